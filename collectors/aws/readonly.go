// Package aws collects facts about AWS estates, read-only. Its checks live in
// policy/ (Rego, embedded by package collectors, the folder above).
package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Operation is one AWS API operation the collector may call, and the IAM action
// that authorises it.
type Operation struct {
	Service string // the SDK's service ID, e.g. "S3"
	Name    string // the operation, e.g. "ListBuckets"
	Action  string // the IAM action, e.g. "s3:ListAllMyBuckets"
}

// baseOps are the operations every collection needs; each service adds its own
// (see register). Together they are the allow-list: every operation the collector
// may send. Anything else is refused before it is signed, so a bug cannot change
// an estate. Only read operations belong here (and, with multi-account collection,
// AssumeRole, which changes nothing); a test proves every entry is called.
var baseOps = []Operation{
	{"STS", "GetCallerIdentity", "sts:GetCallerIdentity"},
	{"EC2", "DescribeRegions", "ec2:DescribeRegions"},
}

// readOnly is the allow-list, built once every service has registered.
var readOnly []Operation

var allowed map[string]Operation

func buildAllowList() {
	readOnly = append([]Operation(nil), baseOps...)
	for _, s := range services {
		readOnly = append(readOnly, s.ops...)
	}
	allowed = make(map[string]Operation, len(readOnly))
	for _, op := range readOnly {
		allowed[op.Service+"/"+op.Name] = op
	}
}

// AllowedOperations returns the allow-list, sorted by service and operation.
func AllowedOperations() []Operation {
	out := make([]Operation, 0, len(allowed))
	for _, op := range allowed {
		out = append(out, op)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// IsAllowed reports whether an operation of a service is on the allow-list.
func IsAllowed(service, operation string) bool {
	_, ok := allowed[service+"/"+operation]
	return ok
}

// RefusedError is returned for an operation that is not on the read-only allow-list.
type RefusedError struct{ Service, Operation string }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("sdescan is read-only: %s %s is not on its allow-list of read operations and was not sent", e.Service, e.Operation)
}

// Calls counts the API calls sent, per "service:Operation".
type Calls struct {
	mu sync.Mutex
	n  map[string]int
}

// Snapshot returns the counts so far.
func (c *Calls) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

func (c *Calls) add(key string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
	c.mu.Unlock()
}

// ReadOnlyGuard returns an SDK API option (aws.Config.APIOptions) that refuses,
// before anything is serialised or signed, every operation not on the allow-list,
// and counts the calls it lets through in calls (when not nil).
func ReadOnlyGuard(calls *Calls) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("sdescan.ReadOnlyGuard",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				svc, op := operationOf(ctx)
				if !IsAllowed(svc, op) {
					return middleware.InitializeOutput{}, middleware.Metadata{}, &RefusedError{Service: svc, Operation: op}
				}
				if calls != nil {
					calls.add(strings.ToLower(strings.ReplaceAll(svc, " ", "")) + ":" + op)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// IAMPolicy is the least-privilege IAM policy document the collector needs,
// generated from the allow-list so the two cannot drift.
func IAMPolicy() ([]byte, error) {
	seen := map[string]bool{}
	var actions []string
	for _, op := range readOnly {
		if !seen[op.Action] {
			seen[op.Action] = true
			actions = append(actions, op.Action)
		}
	}
	sort.Strings(actions)
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":      "SdescanReadOnly",
			"Effect":   "Allow",
			"Action":   actions,
			"Resource": "*",
		}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// operationOf names the operation being invoked: every client sets smithy's
// context values before running its stack; older clients set only the AWS ones.
func operationOf(ctx context.Context) (service, operation string) {
	service, operation = middleware.GetServiceID(ctx), middleware.GetOperationName(ctx)
	if service == "" {
		service = awsmiddleware.GetServiceID(ctx)
	}
	if operation == "" {
		operation = awsmiddleware.GetOperationName(ctx)
	}
	return service, operation
}
