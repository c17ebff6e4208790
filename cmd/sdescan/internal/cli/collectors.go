package cli

import (
	"context"
	"io"

	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/aws"
	"github.com/sdescan/sdescan/collectors/azure"
	"github.com/sdescan/sdescan/collectors/github"
	"github.com/sdescan/sdescan/collectors/trivy"
)

// registration is one collector as the command line knows it: its registration
// (collectors.Collector) and, for a collector that reads an estate, how scan and
// collect reach it.
type registration struct {
	collectors.Collector
	// source makes the estate source of scan and collect (a fresh one per
	// command); nil: not an estate source (infrastructure code, images and
	// repositories have commands and flags of their own).
	source func() estateSource
}

// estateSource is how scan and collect read an estate through a collector.
type estateSource interface {
	// addFlags declares its flags: the one that asks for it (--aws) and those
	// that shape the collection.
	addFlags(f *pflag.FlagSet)
	// requested says whether the flags ask for it.
	requested() bool
	// keepsEvidence says whether it keeps raw evidence under the evidence root.
	keepsEvidence() bool
	// collect reads the estate, read-only, showing progress on stderr and keeping
	// raw evidence under root (none when root is empty).
	collect(ctx context.Context, stderr io.Writer, root string) (*checks.Facts, error)
}

// registered is every collector sdescan is built with, in the order scan runs
// them: adding a collector is its package plus one line here
// (docs/writing-collectors.md). Tests may add one (TestRegisterCollector).
var registered = []registration{
	{Collector: aws.Collector(), source: func() estateSource { return &awsSource{} }},
	{Collector: azure.Collector(), source: func() estateSource { return &azureSource{} }},
	{Collector: trivy.IaCCollector()},
	{Collector: trivy.ImageCollector()},
	{Collector: github.GitCollector()},
	{Collector: github.GitHubCollector()},
}

// registry is the registered collectors, for the runner and verify.
func registry() collectors.Registry {
	r := make(collectors.Registry, len(registered))
	for i, c := range registered {
		r[i] = c.Collector
	}
	return r
}

// builtinPolicies is the policy source of the registered collectors' checks.
func builtinPolicies() (checks.PolicySource, error) {
	return registry().Builtin()
}

// estateSources makes the estate sources of one command, by collector name, in
// registration order.
func estateSources() []namedSource {
	var out []namedSource
	for _, c := range registered {
		if c.source != nil {
			out = append(out, namedSource{name: c.Name, estateSource: c.source()})
		}
	}
	return out
}

type namedSource struct {
	name string
	estateSource
}
