package reports

import (
	"sync"

	"github.com/sdescan/sdescan/checks"
)

// Locator keeps what locates findings in files — each resource's path — as
// resources go by (a streamed facts file), from several goroutines at once.
type Locator struct {
	mu    sync.Mutex
	paths map[string]string
}

// Observe notes where a resource is, when it is in a file.
func (l *Locator) Observe(r *checks.Resource) {
	if r.Scope.Path == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.paths == nil {
		l.paths = map[string]string{}
	}
	l.paths[r.ID] = r.Scope.Path
}

// Paths returns the resources' paths by ID.
func (l *Locator) Paths() map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.paths == nil {
		return map[string]string{}
	}
	return l.paths
}
