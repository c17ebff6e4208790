// Package engine owns evaluation: it reads the Rego checks of policy sources
// (their METADATA annotations), compiles them with the capabilities checks may
// use (Capabilities, RefusedBuiltins) and evaluates them over facts into
// findings (Engine, New, Params, Evaluate, EvaluateFile, ChecksFor), within the
// time and memory bounds of EvalLimits, and reports how (EvalStats).
//
// Evaluation runs on OPA's plan of each resource type's checks through a plan
// runner internal to this package (plan.go), with OPA's evaluator as the
// fallback for what the runner leaves out; the findings are the same either
// way. The facts, checks and findings it works on are package checks' model.
package engine
