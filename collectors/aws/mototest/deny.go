package mototest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Request is what a Deny predicate sees of one API request.
type Request struct {
	HTTP *http.Request
	// Service is the signing name from the request's credential scope: s3 (S3 and
	// S3 Control), ec2, iam, sts, rds, dynamodb, kms, logs, guardduty, config,
	// securityhub, ...
	Service string
	// Op is the operation for the JSON 1.x protocols (X-Amz-Target) and the query
	// protocols (Action=); empty for REST protocols, where the method and path say.
	Op   string
	Body []byte
	// Form holds a query-protocol request's parameters.
	Form url.Values
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

// Deny returns a proxy in front of the emulator that answers the requests deny
// matches with access denied, in the error format of the request's protocol (so
// the SDK sees a real AccessDenied, not an unparsable answer), and forwards the
// rest. A query-protocol denial names the access key asked about, if any, so
// tests can prove error messages are masked too.
func (s *Server) Deny(t testing.TB, deny func(Request) bool) *Server {
	t.Helper()
	return s.respond(t, deny, writeDenied)
}

// respond returns a proxy that answers the requests match selects with write and
// forwards the rest to s.
func (s *Server) respond(t testing.TB, match func(Request) bool, write func(http.ResponseWriter, Request, string)) *Server {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		q := Request{HTTP: r, Body: body}
		if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			q.Service = m[1]
		}
		if tgt := r.Header.Get("X-Amz-Target"); tgt != "" {
			_, q.Op, _ = strings.Cut(tgt, ".")
		} else if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if form, err := url.ParseQuery(string(body)); err == nil {
				q.Form, q.Op = form, form.Get("Action")
			}
		}
		if !match(q) {
			r.Body = io.NopCloser(bytes.NewReader(body))
			rp.ServeHTTP(w, r)
			return
		}
		msg := fmt.Sprintf("User: arn:aws:sts::123456789012:assumed-role/sdescan-readonly/sdescan is not authorized to perform: %s:%s", q.Service, q.Op)
		if k := q.Form.Get("AccessKeyId"); k != "" {
			msg += " on access key " + k
		}
		write(w, q, msg)
	}))
	t.Cleanup(srv.Close)
	return &Server{URL: srv.URL}
}

func writeDenied(w http.ResponseWriter, q Request, msg string) {
	xmlMsg := html.EscapeString(msg)
	switch {
	case q.HTTP.Header.Get("X-Amz-Target") != "": // AWS JSON 1.0/1.1
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "AccessDeniedException", "message": msg})
	case q.Form != nil && q.Service == "ec2": // EC2 query
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>%s</Message></Error></Errors><RequestID>TEST</RequestID></Response>`, xmlMsg)
	case q.Form != nil: // AWS query (IAM, STS, RDS, ...)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>%s</Message></Error><RequestId>TEST</RequestId></ErrorResponse>`, xmlMsg)
	case q.Service == "s3": // REST-XML (S3, S3 Control)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>%s</Message><RequestId>TEST</RequestId></Error>`, xmlMsg)
	default: // REST-JSON (GuardDuty, Security Hub, ...)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
	}
}

// Throttle returns a proxy that answers each distinct request matching match (same
// operation, path, query and body) with the protocol's throttling error `times`
// times, as AWS does under load, before forwarding it; everything else is forwarded.
func (s *Server) Throttle(t testing.TB, times int, match func(Request) bool) *Server {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	return s.respond(t, func(q Request) bool {
		if !match(q) {
			return false
		}
		key := q.Service + " " + q.Op + " " + q.HTTP.Method + " " + q.HTTP.URL.String() + " " + string(q.Body)
		mu.Lock()
		defer mu.Unlock()
		if seen[key] >= times {
			return false
		}
		seen[key]++
		return true
	}, writeThrottled)
}

func writeThrottled(w http.ResponseWriter, q Request, _ string) {
	const msg = "Rate exceeded"
	switch {
	case q.HTTP.Header.Get("X-Amz-Target") != "":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", "ThrottlingException")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "ThrottlingException", "message": msg})
	case q.Form != nil && q.Service == "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>%s</Message></Error></Errors><RequestID>TEST</RequestID></Response>`, msg)
	case q.Form != nil:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>%s</Message></Error><RequestId>TEST</RequestId></ErrorResponse>`, msg)
	case q.Service == "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>%s</Message><RequestId>TEST</RequestId></Error>`, msg)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "ThrottlingException")
		w.WriteHeader(http.StatusTooManyRequests)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
	}
}
