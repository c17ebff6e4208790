// Package checks owns sdescan's fact model: what collectors write and what
// checks are judged on, with no policy engine in it.
//
//   - Facts: Facts, Resource, Scope, EvidenceRef, CollectorRun, CollectError and
//     the run statuses; reading, writing and validating facts files (ReadFactsFile,
//     DecodeFacts, DecodeJSONStrict, WriteJSON) and merging shards (Merge).
//   - Checks and their results as data: Check (a check's metadata), Severity,
//     Finding, Status, the results other engines recorded in the facts
//     (RecordedFindings, TypeRecordedResult) and the tag helpers
//     (Classification, RPOHours).
//   - Policy sources (PolicySource) and those on disk (DirSource). The checks
//     sdescan ships and the collector registry are package collectors', beside
//     the collectors (collectors/aws, collectors/github, collectors/trivy).
//
// Two packages below it build on the model, and it imports neither:
// checks/engine compiles and evaluates the checks (OPA, and the plan runner
// internal to it) and checks/evidence keeps raw evidence and redacts secrets.
package checks
