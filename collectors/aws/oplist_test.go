package aws

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/appstream"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
)

// serviceIDs maps the import path of each AWS SDK service package to its service
// ID, as the read-only guard sees it.
var serviceIDs = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/appstream":      appstream.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/backup":         backup.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/efs":            efs.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/sagemaker":      sagemaker.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/workspaces":     workspaces.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail":     cloudtrail.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs": cloudwatchlogs.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/configservice":  configservice.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/dynamodb":       dynamodb.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/ec2":            ec2.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/ecr":            ecr.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/eks":            eks.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/guardduty":      guardduty.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/iam":            iam.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/kms":            kms.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/organizations":  organizations.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/rds":            rds.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/s3":             s3.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/s3control":      s3control.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/securityhub":    securityhub.ServiceID,
	"github.com/aws/aws-sdk-go-v2/service/sts":            sts.ServiceID,
}

// callableOperations lists every AWS operation the collector's source can call:
// every SDK call takes an &pkg.<Operation>Input{} and every paginator is
// pkg.New<Operation>Paginator, so the operations are read off the syntax.
func callableOperations(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{} // "Service/Operation" -> file:line
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		imports := map[string]string{} // local name -> service ID
		for _, im := range file.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			svc, ok := serviceIDs[p]
			if !ok {
				if strings.HasPrefix(p, "github.com/aws/aws-sdk-go-v2/service/") && !strings.Contains(strings.TrimPrefix(p, "github.com/aws/aws-sdk-go-v2/service/"), "/") {
					t.Errorf("%s imports %s: add it to serviceIDs in oplist_test.go", f, p)
				}
				continue
			}
			name := filepath.Base(p)
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = svc
		}
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			svc, ok := imports[pkg.Name]
			if !ok {
				return true
			}
			name := sel.Sel.Name
			var op string
			switch {
			case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Paginator"):
				op = strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Paginator")
			case strings.HasSuffix(name, "Input"):
				op = strings.TrimSuffix(name, "Input")
			default:
				return true
			}
			ops[svc+"/"+op] = fset.Position(sel.Pos()).String()
			return true
		})
	}
	return ops
}

// TestEveryCallableOperationIsAllowedAndInThePolicy proves that each operation the
// collector can call is on the read-only allow-list and in `sdescan iam-policy`,
// so no call can be refused at run time and no permission is missing.
func TestEveryCallableOperationIsAllowedAndInThePolicy(t *testing.T) {
	ops := callableOperations(t)
	if len(ops) == 0 {
		t.Fatal("found no AWS operations in the collector's source")
	}
	policy, err := IAMPolicy()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		svc, op, _ := strings.Cut(k, "/")
		if !IsAllowed(svc, op) {
			t.Errorf("%s: %s %s is called but not on the read-only allow-list", ops[k], svc, op)
			continue
		}
		if a := allowed[k].Action; !strings.Contains(string(policy), strconv.Quote(a)) {
			t.Errorf("%s %s: IAM action %s missing from iam-policy", svc, op, a)
		}
	}
	// And nothing is allowed that the collector never calls.
	for k := range allowed {
		if _, called := ops[k]; !called {
			t.Errorf("%s is on the allow-list but never called: remove it", k)
		}
	}
	t.Logf("%d operations", len(keys))
}
