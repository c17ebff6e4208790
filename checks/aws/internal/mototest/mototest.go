// Package mototest starts a real local AWS API emulator (moto_server) for tests.
// moto is preinstalled on this project's machines; a missing moto fails the test.
package mototest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
)

// Region is the region tests use.
const Region = "eu-west-2"

// Server is a running moto_server.
type Server struct {
	URL string
}

// Start runs moto_server on a free port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatalf("moto_server not found on PATH: the AWS tests need the moto emulator (preinstalled on the project's machines): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=false")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start moto_server: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not start on port %d within 30s: %v\n%s", port, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Config returns an SDK configuration for the emulator with static test
// credentials, plus any extra API options.
func (s *Server) Config(apiOptions ...func(*middleware.Stack) error) aws.Config {
	cfg := aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(s.URL),
	}
	for _, o := range apiOptions {
		cfg.APIOptions = append(cfg.APIOptions, o)
	}
	return cfg
}

// Reset clears everything the emulator holds.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
