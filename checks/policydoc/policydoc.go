// Package policydoc owns the one normalised form of AWS IAM and resource policy
// documents (the facts schema's aws_policy_statement): every collector that
// records a policy document (the AWS collector for live identity and bucket
// policies, the IaC parser for policies written in Terraform or CloudFormation)
// writes its statements through Normalize, so that one Rego decision judges them
// all alike. Pure standard library: it parses, it never fetches.
package policydoc

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Normalize parses an IAM or resource policy document (possibly URL-encoded,
// as IAM returns them) into the normalised statements of the facts schema: every
// list an array, Principal "*" as {"AWS": ["*"]}, condition keys lower-cased,
// condition values strings.
func Normalize(doc string) ([]map[string]any, error) {
	if strings.HasPrefix(strings.TrimSpace(doc), "%7B") || strings.HasPrefix(strings.TrimSpace(doc), "%7b") {
		if d, err := url.QueryUnescape(doc); err == nil {
			doc = d
		}
	}
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("policy document is not JSON: %w", err)
	}
	var list []map[string]any
	if len(raw.Statement) > 0 && raw.Statement[0] == '{' {
		var one map[string]any
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("policy statement: %w", err)
		}
		list = []map[string]any{one}
	} else if len(raw.Statement) > 0 {
		if err := json.Unmarshal(raw.Statement, &list); err != nil {
			return nil, fmt.Errorf("policy statements: %w", err)
		}
	}
	out := make([]map[string]any, 0, len(list))
	for _, s := range list {
		n := map[string]any{}
		if v, ok := s["Sid"].(string); ok && v != "" {
			n["sid"] = v
		}
		if v, ok := s["Effect"].(string); ok {
			n["effect"] = v
		}
		for from, to := range map[string]string{"Action": "actions", "NotAction": "not_actions", "Resource": "resources", "NotResource": "not_resources"} {
			if v, ok := s[from]; ok {
				n[to] = stringList(v)
			}
		}
		for from, to := range map[string]string{"Principal": "principals", "NotPrincipal": "not_principals"} {
			if v, ok := s[from]; ok {
				n[to] = principals(v)
			}
		}
		if c, present := s["Condition"]; present {
			cm, ok := c.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("policy statement %d: Condition is not an object", len(out))
			}
			conds := map[string]any{}
			for op, kv := range cm {
				// A condition dropped would widen the statement: an unreadable
				// one makes the document unreadable instead.
				m, ok := kv.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("policy statement %d: condition %s is not an object", len(out), op)
				}
				keys := map[string]any{}
				for k, v := range m {
					keys[strings.ToLower(k)] = stringList(v)
				}
				conds[op] = keys
			}
			n["conditions"] = conds
		}
		out = append(out, n)
	}
	return out, nil
}

func principals(v any) map[string]any {
	if s, ok := v.(string); ok {
		return map[string]any{"AWS": []any{s}}
	}
	out := map[string]any{}
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			out[k] = stringList(x)
		}
	}
	return out
}

// stringList turns a string, a number, a bool or a list of them into []any of strings.
func stringList(v any) []any {
	var items []any
	if l, ok := v.([]any); ok {
		items = l
	} else {
		items = []any{v}
	}
	out := make([]any, 0, len(items))
	for _, x := range items {
		switch t := x.(type) {
		case string:
			out = append(out, t)
		case bool:
			out = append(out, strconv.FormatBool(t))
		case float64:
			out = append(out, strconv.FormatFloat(t, 'f', -1, 64))
		default:
			out = append(out, fmt.Sprint(t))
		}
	}
	return out
}
