package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
)

// Raw evidence: every API response the collector reads (the last attempt, after
// retries) is kept, redacted, through an evidence.Sink, and the resources built from
// it cite it by path and sha256. An assessor can then see, for each fact, the
// response AWS gave.
//
// Which responses support which resource is tracked with citation scopes carried
// in the context: a listing runs in a scope, each resource's own reads in a scope
// nested in it, and a resource cites every response of its scope chain.

// maxEvidenceBody bounds one kept response (larger bodies are kept truncated and say so).
const maxEvidenceBody = 32 << 20

// apiResponse is the file kept for one API call.
type apiResponse struct {
	API         string          `json:"api"`
	Account     string          `json:"account,omitempty"`
	Region      string          `json:"region,omitempty"`
	Request     json.RawMessage `json:"request,omitempty"`
	HTTPStatus  int             `json:"http_status,omitempty"`
	ContentType string          `json:"content_type,omitempty"`
	Body        string          `json:"body"`
	Truncated   bool            `json:"truncated,omitempty"`
	Error       string          `json:"error,omitempty"`
}

// citeScope collects the evidence references of the calls made in it.
type citeScope struct {
	parent *citeScope
	mu     sync.Mutex
	refs   map[string]checks.EvidenceRef
}

type citeKey struct{}

// cite opens a citation scope nested in ctx's: the responses read with the
// returned context are cited by resources added with it (and its children).
func cite(ctx context.Context) context.Context {
	parent, _ := ctx.Value(citeKey{}).(*citeScope)
	return context.WithValue(ctx, citeKey{}, &citeScope{parent: parent})
}

func (s *citeScope) add(ref checks.EvidenceRef) {
	s.mu.Lock()
	if s.refs == nil {
		s.refs = map[string]checks.EvidenceRef{}
	}
	s.refs[ref.Path] = ref
	s.mu.Unlock()
}

// citations returns the references of ctx's scope chain, sorted by path.
func citations(ctx context.Context) []checks.EvidenceRef {
	s, _ := ctx.Value(citeKey{}).(*citeScope)
	var out []checks.EvidenceRef
	seen := map[string]bool{}
	for ; s != nil; s = s.parent {
		s.mu.Lock()
		for p, ref := range s.refs {
			if !seen[p] {
				seen[p] = true
				out = append(out, ref)
			}
		}
		s.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// rawCapture holds the raw response of a call's latest attempt.
type rawCapture struct {
	status      int
	contentType string
	body        []byte
	truncated   bool
}

type rawCaptureKey struct{}

// evidenceRecorder returns the SDK API option that keeps each call's final raw
// response in sink and cites it in the caller's scope. account returns the
// account being read (empty until known).
func evidenceRecorder(sink evidence.Sink, account func() string, kept func(checks.EvidenceRef), onError func(error)) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		// Outermost: after every retry, keep what the last attempt returned.
		err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("sdescan.Evidence",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				svc, op := operationOf(ctx)
				if svc == "STS" && op != "GetCallerIdentity" {
					// AssumeRole answers with credentials: never kept.
					return next.HandleInitialize(ctx, in)
				}
				capture := &rawCapture{}
				ctx = context.WithValue(ctx, rawCaptureKey{}, capture)
				out, md, err := next.HandleInitialize(ctx, in)
				if capture.body == nil && capture.status == 0 {
					return out, md, err // nothing reached AWS (refused, cancelled)
				}
				acct := account()
				if id, ok := out.Result.(*sts.GetCallerIdentityOutput); ok && acct == "" && id.Account != nil {
					acct = *id.Account
				}
				ref, perr := keepResponse(sink, svc, op, acct, awsmiddleware.GetRegion(ctx), in.Parameters, capture, err)
				if perr != nil {
					onError(perr)
				} else {
					kept(ref)
					if s, ok := ctx.Value(citeKey{}).(*citeScope); ok {
						s.add(ref)
					}
				}
				return out, md, err
			}), middleware.After)
		if err != nil {
			return err
		}
		// Innermost of the deserialize step: sees each attempt's raw response
		// before the SDK decodes it, and hands the decoder an identical copy.
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("sdescan.EvidenceRaw",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				capture, _ := ctx.Value(rawCaptureKey{}).(*rawCapture)
				resp, ok := out.RawResponse.(*smithyhttp.Response)
				if capture == nil || !ok || resp == nil {
					return out, md, err
				}
				capture.status = resp.StatusCode
				capture.contentType = resp.Header.Get("Content-Type")
				capture.body, capture.truncated = []byte{}, false
				if resp.Body != nil {
					body, rerr := io.ReadAll(resp.Body)
					resp.Body.Close()
					resp.Body = io.NopCloser(bytes.NewReader(body))
					if rerr != nil {
						return out, md, err
					}
					if len(body) > maxEvidenceBody {
						capture.body, capture.truncated = body[:maxEvidenceBody], true
					} else {
						capture.body = body
					}
				}
				return out, md, err
			}), middleware.After)
	}
}

// keepResponse writes one call's response as evidence.
func keepResponse(sink evidence.Sink, svc, op, account, region string, params any, raw *rawCapture, callErr error) (checks.EvidenceRef, error) {
	rec := apiResponse{
		API:         apiName(svc, op),
		Account:     account,
		Region:      region,
		HTTPStatus:  raw.status,
		ContentType: raw.contentType,
		Body:        string(raw.body),
		Truncated:   raw.truncated,
	}
	if params != nil {
		if data, err := json.Marshal(params); err == nil {
			rec.Request = data
		}
	}
	if callErr != nil {
		rec.Error = errorMessage(callErr)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep XML bodies readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(rec); err != nil {
		return checks.EvidenceRef{}, fmt.Errorf("evidence for %s: %w", rec.API, err)
	}
	data := evidence.Redact(buf.Bytes())
	sum := sha256.Sum256(data)
	if account == "" {
		account = "unknown-account"
	}
	if region == "" {
		region = "global"
	}
	p := fmt.Sprintf("%saws/%s/%s/%s/%s-%s.json", evidence.Prefix, evidence.SafePathSegment(account), evidence.SafePathSegment(region),
		evidence.SafePathSegment(serviceKey(svc)), evidence.SafePathSegment(op), hex.EncodeToString(sum[:6]))
	return sink.Put(p, data)
}

// apiName is "service:Operation", as counted in a run's api_calls.
func apiName(svc, op string) string { return serviceKey(svc) + ":" + op }

func serviceKey(svc string) string { return strings.ToLower(strings.ReplaceAll(svc, " ", "")) }

// evidenceFailed logs a failure to keep evidence once per collection.
func evidenceFailed(c *collector) func(error) {
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			slog.Warn("raw evidence could not be kept", "error", err)
			c.fail(checks.CollectError{Service: "evidence", Message: "raw API responses could not all be kept, so some facts cite no evidence: " + checks.ErrorLine(err.Error()), ResourceTypes: []string{"aws.evidence"}})
		})
	}
}

// citeAlso adds refs to ctx's innermost citation scope (evidence read once and
// shared, such as the account's S3 Block Public Access).
func citeAlso(ctx context.Context, refs []checks.EvidenceRef) {
	s, ok := ctx.Value(citeKey{}).(*citeScope)
	if !ok {
		return
	}
	for _, r := range refs {
		s.add(r)
	}
}

// ownCitations returns the references of ctx's innermost scope only.
func ownCitations(ctx context.Context) []checks.EvidenceRef {
	s, ok := ctx.Value(citeKey{}).(*citeScope)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]checks.EvidenceRef, 0, len(s.refs))
	for _, r := range s.refs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// keep notes a response kept as evidence.
func (c *collector) keep(ref checks.EvidenceRef) {
	c.mu.Lock()
	if c.kept == nil {
		c.kept = map[string]checks.EvidenceRef{}
	}
	c.kept[ref.Path] = ref
	c.mu.Unlock()
}

// uncited returns the kept responses no resource cites, sorted: the run's own
// evidence (the caller's identity, listings that found nothing).
func (c *collector) uncited() []checks.EvidenceRef {
	c.mu.Lock()
	defer c.mu.Unlock()
	cited := map[string]bool{}
	for _, r := range c.resources {
		for _, e := range r.Evidence {
			cited[e.Path] = true
		}
	}
	var out []checks.EvidenceRef
	for p, ref := range c.kept {
		if !cited[p] {
			out = append(out, ref)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
