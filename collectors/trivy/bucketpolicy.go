package trivy

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/aquasecurity/trivy/pkg/iac/terraform"

	"github.com/sdescan/sdescan/checks/policydoc"
)

// Bucket policies written in code are recorded in the live collector's shape,
// policy: {present: true, statements: [...]}, normalised by the same code
// (checks/policydoc), so that AWS-S3-004 and IAC-S3-001 judge one document
// alike. A document that cannot be known offline is left out: the check then
// says it cannot assess, never that the bucket passes.

// placeholderIn finds one of Trivy's stand-in UUIDs anywhere in a text, such as
// a policy rendered by jsonencode around another block's computed ARN.
var placeholderIn = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// tfBucketPolicy is the policy attribute of aws_s3_bucket_policy (and the inline
// policy of aws_s3_bucket, older providers): ok false when the policy is not a
// known JSON text after evaluation (a variable without a value, a
// data.aws_iam_policy_document that cannot be rendered offline). A policy that
// is the json of an aws_iam_policy_document of the configuration (directly or
// through a local: Trivy's evaluator stands in the document block's ID for it)
// is that document, rendered (renderPolicyDocument).
func tfBucketPolicy(b *terraform.Block, cfg map[string]any, docs tfDocuments) (map[string]any, bool) {
	a := b.GetAttribute("policy")
	if a == nil {
		return nil, false
	}
	if d := docs.document(b, a); d != nil {
		text, ok := renderPolicyDocument(d)
		if !ok {
			return nil, false
		}
		return normalisedPolicy(text)
	}
	text, ok := cfg["policy"].(string)
	if !ok {
		return nil, false
	}
	// Another block's computed value (an ARN: a variable without a value
	// leaves the whole text unknown instead) reads ${reference}, as
	// CloudFormation's Ref and Fn::GetAtt do, never Trivy's random UUID.
	return normalisedPolicy(referencesFor(a, text))
}

// cfnBucketPolicy is the policy attribute of AWS::S3::BucketPolicy, from its
// PolicyDocument (an object, or JSON text). Intrinsic functions are resolved
// only where a resource ARN is built (Fn::Sub of a string, Fn::Join of strings,
// Ref and Fn::GetAtt as ${Name}); anywhere else, or any other function, leaves
// the document unknown.
func cfnBucketPolicy(props map[string]any) (map[string]any, bool) {
	switch doc := props["PolicyDocument"].(type) {
	case string:
		return normalisedPolicy(doc)
	case map[string]any:
		resolved, ok := cfnDocument(doc)
		if !ok {
			return nil, false
		}
		text, err := json.Marshal(resolved)
		if err != nil {
			return nil, false
		}
		return normalisedPolicy(string(text))
	}
	return nil, false
}

func normalisedPolicy(text string) (map[string]any, bool) {
	stmts, err := policydoc.Normalize(text)
	if err != nil {
		return nil, false
	}
	list := make([]any, len(stmts))
	for i, s := range stmts {
		list[i] = s
	}
	return map[string]any{"present": true, "statements": list}, true
}

// cfnDocument copies a policy document, resolving the intrinsic functions of
// its statements' Resource and NotResource; ok false when a function remains.
func cfnDocument(doc map[string]any) (map[string]any, bool) {
	out := map[string]any{}
	for k, v := range doc {
		if k != "Statement" {
			if hasIntrinsic(v) {
				return nil, false
			}
			out[k] = v
			continue
		}
		var list []any
		switch s := v.(type) {
		case []any:
			list = s
		case map[string]any:
			list = []any{s}
		default:
			return nil, false
		}
		stmts := make([]any, 0, len(list))
		for _, x := range list {
			st, ok := x.(map[string]any)
			if !ok || isIntrinsic(st) {
				return nil, false
			}
			n := map[string]any{}
			for f, fv := range st {
				if f == "Resource" || f == "NotResource" {
					r, ok := cfnResources(fv)
					if !ok {
						return nil, false
					}
					n[f] = r
					continue
				}
				if hasIntrinsic(fv) {
					return nil, false
				}
				n[f] = fv
			}
			stmts = append(stmts, n)
		}
		out[k] = stmts
	}
	return out, true
}

func cfnResources(v any) (any, bool) {
	if l, ok := v.([]any); ok {
		out := make([]any, 0, len(l))
		for _, x := range l {
			s, ok := cfnString(x)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return cfnString(v)
}

// cfnString resolves a string built with intrinsic functions to a template in
// which every unresolved value reads ${Name}.
func cfnString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case map[string]any:
		if len(x) != 1 {
			return "", false
		}
		for fn, arg := range x {
			switch fn {
			case "Ref":
				s, ok := arg.(string)
				return "${" + s + "}", ok
			case "Fn::GetAtt":
				l, ok := arg.([]any)
				if !ok {
					return "", false
				}
				parts := make([]string, 0, len(l))
				for _, p := range l {
					s, ok := p.(string)
					if !ok {
						return "", false
					}
					parts = append(parts, s)
				}
				return "${" + strings.Join(parts, ".") + "}", true
			case "Fn::Sub":
				s, ok := arg.(string)
				return s, ok
			case "Fn::Join":
				l, ok := arg.([]any)
				if !ok || len(l) != 2 {
					return "", false
				}
				sep, ok := l[0].(string)
				items, ok2 := l[1].([]any)
				if !ok || !ok2 {
					return "", false
				}
				parts := make([]string, 0, len(items))
				for _, it := range items {
					s, ok := cfnString(it)
					if !ok {
						return "", false
					}
					parts = append(parts, s)
				}
				return strings.Join(parts, sep), true
			}
		}
	}
	return "", false
}

// isIntrinsic says whether m is a CloudFormation function call ({"Ref": …},
// {"Fn::…": …}, {"Condition": …}).
func isIntrinsic(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

func hasIntrinsic(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if isIntrinsic(x) {
			return true
		}
		for _, e := range x {
			if hasIntrinsic(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasIntrinsic(e) {
				return true
			}
		}
	}
	return false
}
