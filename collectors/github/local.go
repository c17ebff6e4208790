package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/sdescan/sdescan/checks"
)

// LocalOptions tune the local repository collector.
type LocalOptions struct {
	// Recursive finds every repository under each path (work trees and bare
	// repositories are found by their .git entry); otherwise each path must be a
	// repository (or inside one).
	Recursive bool
	// MaxCommits bounds the history walked for secrets and data files (default
	// 20000). A longer history is scanned up to the bound and the result is
	// marked incomplete.
	MaxCommits int
	// MaxBlobBytes bounds the total bytes of blobs read from history (default 2 GiB).
	MaxBlobBytes int64
	// Now gives the collection time (default time.Now).
	Now func() time.Time
}

func (o *LocalOptions) defaults() {
	if o.MaxCommits <= 0 {
		o.MaxCommits = 20000
	}
	if o.MaxBlobBytes <= 0 {
		o.MaxBlobBytes = 2 << 30
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// FindRepositories lists the git repositories under root: root itself when it is
// one, and every directory below holding a .git entry (nested repositories and
// submodules included). It never descends into .git directories.
func FindRepositories(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable subdirectory: skip it
		}
		if !d.IsDir() {
			return nil
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Name() == "node_modules" || d.Name() == ".venv" {
			return filepath.SkipDir
		}
		if _, err := os.Lstat(filepath.Join(p, ".git")); err == nil {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// CollectLocal reads each local repository and returns its git.repo resources
// and one collector run. A path that cannot be opened as a repository is a
// CollectError (the run is partial, or failed when nothing was read), never a
// resource.
func CollectLocal(ctx context.Context, paths []string, opts LocalOptions) ([]checks.Resource, checks.CollectorRun) {
	opts.defaults()
	run := checks.CollectorRun{Collector: SourceGit, Scope: "local", Started: opts.Now().UTC(), Covers: []string{TypeLocalRepo}, APICalls: map[string]int{}}
	var resources []checks.Resource
	fail := func(where, msg string) {
		run.Errors = append(run.Errors, checks.CollectError{Collector: SourceGit, Resource: red(where), ResourceTypes: []string{TypeLocalRepo}, Message: red(msg)})
	}
	var repos []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			fail(p, err.Error())
			continue
		}
		if opts.Recursive {
			found, err := FindRepositories(abs)
			if err != nil {
				fail(p, cleanErr(err))
				continue
			}
			if len(found) == 0 {
				fail(p, "no git repository found under this path")
			}
			repos = append(repos, found...)
			continue
		}
		repos = append(repos, abs)
	}
	seen := map[string]bool{}
	for _, p := range repos {
		if err := ctx.Err(); err != nil {
			fail(p, err.Error())
			break
		}
		r, err := collectRepo(ctx, p, opts)
		if err != nil {
			fail(p, err.Error())
			continue
		}
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		resources = append(resources, r)
	}
	run.Ended = opts.Now().UTC()
	run.Status = checks.RunOK
	if len(run.Errors) > 0 {
		run.Status = checks.RunPartial
		if len(resources) == 0 {
			run.Status = checks.RunFailed
		}
	}
	run.APICalls = nil
	return resources, run
}

func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// collectRepo reads one repository. Nothing is written: the repository is opened
// from its files, and only objects are read (no checkout, no fetch, no index).
func collectRepo(ctx context.Context, p string, opts LocalOptions) (checks.Resource, error) {
	repo, err := openRepo(p)
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return checks.Resource{}, errors.New("not a git repository")
		}
		return checks.Resource{}, fmt.Errorf("open: %v", err)
	}
	root := p
	if wt, err := repo.Worktree(); err == nil {
		root = wt.Filesystem.Root()
	}
	root = filepath.Clean(root)
	res := checks.Resource{
		ID:     "git://" + filepath.ToSlash(root),
		Type:   TypeLocalRepo,
		Source: SourceGit,
		Scope:  checks.Scope{Path: red(root)},
	}
	a := map[string]any{"name": red(filepath.Base(root)), "path": red(root)}
	if remote, err := repo.Remote("origin"); err == nil && len(remote.Config().URLs) > 0 {
		a["remote_url"] = red(StripUserinfo(remote.Config().URLs[0]))
	}

	// The head of the checked-out branch.
	var headTree *object.Tree
	headRef, err := repo.Head()
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		a["head_commit"] = "" // no commit yet: an empty tree
	case err != nil:
		return checks.Resource{}, fmt.Errorf("read HEAD: %v", err)
	default:
		if headRef.Name().IsBranch() {
			a["default_branch"] = headRef.Name().Short()
		}
		a["head_commit"] = headRef.Hash().String()
		c, err := repo.CommitObject(headRef.Hash())
		if err != nil {
			return checks.Resource{}, fmt.Errorf("read HEAD commit: %v", err)
		}
		if headTree, err = c.Tree(); err != nil {
			return checks.Resource{}, fmt.Errorf("read HEAD tree: %v", err)
		}
	}

	// Files at HEAD.
	var paths []string
	headBlobs := map[string]plumbing.Hash{}
	if headTree != nil {
		walker := object.NewTreeWalker(headTree, true, nil)
		for {
			name, entry, err := walker.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				walker.Close()
				return checks.Resource{}, fmt.Errorf("walk HEAD tree: %v", err)
			}
			if !entry.Mode.IsFile() {
				continue
			}
			paths = append(paths, name)
			headBlobs[name] = entry.Hash
		}
		walker.Close()
	}
	sort.Strings(paths)
	t := analyzeTree(paths)
	for k, v := range treeAttributes(t) {
		a[k] = v
	}
	a["file_count"] = len(paths)
	read := func(p string) ([]byte, bool) {
		h, ok := headBlobs[p]
		if !ok {
			return nil, false
		}
		b, err := repo.BlobObject(h)
		if err != nil {
			return nil, false
		}
		rc, err := b.Reader()
		if err != nil {
			return nil, false
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, maxScanBytes))
		return data, err == nil
	}
	contentAttributes(a, t, read, false)

	// Tags.
	tags := 0
	if iter, err := repo.Tags(); err == nil {
		_ = iter.ForEach(func(*plumbing.Reference) error { tags++; return nil })
		a["tag_count"] = tags
		a["has_tags"] = tags > 0
	}

	// History: secrets in every blob, data files in every tree.
	hist, err := scanHistory(ctx, repo, headBlobs, opts)
	if err != nil {
		return checks.Resource{}, err
	}
	a["commits_scanned"] = hist.commits
	a["history_complete"] = hist.complete
	if len(hist.unscanned) > 0 {
		a["secrets_unscanned"] = unscannedAttribute(hist.unscanned)
	}
	// Nothing found is a verdict only when every blob was scanned whole.
	if len(hist.secrets) > 0 || (hist.complete && len(hist.unscanned) == 0) {
		a["secrets"] = secretsAttribute(hist.secrets)
	}
	if len(hist.dataFiles) > 0 || hist.complete {
		a["data_files_in_history"] = redList(capList(nonNil(hist.dataFiles), maxListed))
	}

	res.Attributes = normalise(a)
	return res, nil
}

type historyScan struct {
	commits   int
	complete  bool
	secrets   []secretFinding
	unscanned []unscannedBlob // blobs too large to scan whole
	dataFiles []string        // data files in some commit but not at HEAD
}

// openRepo opens a repository as git.PlainOpenWithOptions does (the .git found
// from a work tree, .git files and commondir followed), with a storage that never
// inflates an object larger than maxScanBytes into memory: go-git's default reads
// a loose object whole, and keeps it in its cache, before it can be asked its
// size. Such an object is read lazily, as a stream, and only its header is read
// until then.
func openRepo(p string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(p, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, err
	}
	st, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("open: unexpected storage %T", repo.Storer)
	}
	s := filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{LargeObjectThreshold: maxScanBytes})
	if wt, err := repo.Worktree(); err == nil {
		return git.Open(s, wt.Filesystem)
	}
	return git.Open(s, nil)
}

// unscannedBlob is a blob whose size (from its object header) kept it from being
// scanned whole: over maxBlobScan it is not read at all, over maxScanBytes only its
// start is scanned.
type unscannedBlob struct {
	File   string
	Commit string
	Size   int64
}

// maxBlobScan: a blob larger than this is not read at all.
const maxBlobScan = 4 * maxScanBytes

func unscannedAttribute(list []unscannedBlob) []any {
	sort.Slice(list, func(i, j int) bool {
		if list[i].File != list[j].File {
			return list[i].File < list[j].File
		}
		return list[i].Commit < list[j].Commit
	})
	if len(list) > maxListed {
		list = list[:maxListed]
	}
	out := make([]any, 0, len(list))
	for _, u := range list {
		reason := fmt.Sprintf("not scanned: larger than %d MiB", maxBlobScan>>20)
		if u.Size <= maxBlobScan {
			reason = fmt.Sprintf("only its first %d MiB scanned", maxScanBytes>>20)
		}
		out = append(out, map[string]any{"file": red(u.File), "commit": u.Commit, "size": u.Size, "reason": reason})
	}
	return out
}

// scanHistory walks every commit reachable from any reference, oldest first, and
// reads every blob once: each secret is reported with the path and commit where
// it first appeared, and whether that blob is still at HEAD.
func scanHistory(ctx context.Context, repo *git.Repository, headBlobs map[string]plumbing.Hash, opts LocalOptions) (historyScan, error) {
	var out historyScan
	iter, err := repo.Log(&git.LogOptions{All: true})
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			out.complete = true
			return out, nil
		}
		return out, fmt.Errorf("read history: %v", err)
	}
	var commits []*object.Commit
	truncated := false
	err = iter.ForEach(func(c *object.Commit) error {
		if len(commits) >= opts.MaxCommits {
			truncated = true
			return errStop
		}
		commits = append(commits, c)
		return nil
	})
	iter.Close()
	if err != nil && !errors.Is(err, errStop) {
		return out, fmt.Errorf("read history: %v", err)
	}
	sort.SliceStable(commits, func(i, j int) bool {
		ti, tj := commits[i].Committer.When, commits[j].Committer.When
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return commits[i].Hash.String() < commits[j].Hash.String()
	})
	inHead := map[plumbing.Hash]bool{}
	headPaths := map[string]bool{}
	for p, h := range headBlobs {
		inHead[h] = true
		headPaths[p] = true
	}
	seenTrees := map[plumbing.Hash]bool{}
	seenBlobs := map[plumbing.Hash]bool{}
	dataSeen := map[string]bool{}
	var budget = opts.MaxBlobBytes
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out.commits++
		tree, err := c.Tree()
		if err != nil {
			return out, fmt.Errorf("commit %s: %v", c.Hash, err)
		}
		var walk func(t *object.Tree, dir string) error
		walk = func(t *object.Tree, dir string) error {
			if seenTrees[t.Hash] {
				return nil
			}
			seenTrees[t.Hash] = true
			for _, e := range t.Entries {
				p := path.Join(dir, e.Name)
				switch {
				case e.Mode == filemode.Dir:
					sub, err := repo.TreeObject(e.Hash)
					if err != nil {
						return err
					}
					if err := walk(sub, p); err != nil {
						return err
					}
				case e.Mode.IsFile():
					ext := strings.ToLower(path.Ext(e.Name))
					if lower := strings.ToLower(e.Name); lower == ".rhistory" || lower == ".rdata" {
						ext = lower
					}
					if dataExtensions[ext] && !headPaths[p] && !dataSeen[p] {
						dataSeen[p] = true
						out.dataFiles = append(out.dataFiles, p)
					}
					if seenBlobs[e.Hash] {
						continue
					}
					seenBlobs[e.Hash] = true
					if budget <= 0 || skipSecretScan(ext) {
						continue
					}
					// The size comes from the object's header: a large blob is
					// not inflated to learn it (see openRepo).
					b, err := repo.BlobObject(e.Hash)
					if err != nil {
						return err
					}
					if b.Size > maxScanBytes {
						out.unscanned = append(out.unscanned, unscannedBlob{File: p, Commit: c.Hash.String(), Size: b.Size})
					}
					if b.Size > maxBlobScan {
						continue // not read at all, and recorded: no verdict of clean
					}
					rc, err := b.Reader()
					if err != nil {
						return err
					}
					data, err := io.ReadAll(io.LimitReader(rc, maxScanBytes))
					rc.Close()
					if err != nil {
						return err
					}
					budget -= int64(len(data))
					for _, rule := range scanSecrets(data) {
						out.secrets = append(out.secrets, secretFinding{Rule: rule, File: p, Commit: c.Hash.String(), InHead: inHead[e.Hash]})
					}
				}
			}
			return nil
		}
		if err := walk(tree, ""); err != nil {
			return out, fmt.Errorf("commit %s: %v", c.Hash, err)
		}
	}
	sort.Strings(out.dataFiles)
	out.complete = !truncated && budget > 0
	return out, nil
}

var errStop = errors.New("stop")

// skipSecretScan: binary formats never hold a typed credential.
func skipSecretScan(ext string) bool {
	switch ext {
	case ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".gz", ".tgz", ".xz", ".bz2", ".ico", ".woff", ".woff2", ".ttf", ".parquet", ".xlsx", ".rds", ".rdata", ".sqlite", ".so", ".dll", ".exe", ".jar", ".class":
		return true
	}
	return false
}

// normalise gives attributes the shape they have after a JSON round trip (numbers
// as float64, lists as []any), so facts evaluated in-process and facts read back
// from a file are the same.
func normalise(a map[string]any) map[string]any {
	b, err := json.Marshal(a)
	if err != nil {
		return a
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return a
	}
	return out
}
