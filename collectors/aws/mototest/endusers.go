package mototest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	wstypes "github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// EndUsers names what SeedEndUsers creates: resource IDs, and the IDs AWS gave.
type EndUsers struct {
	// GoodNotebook has neither direct internet access nor root access and runs in
	// a VPC subnet with a KMS key (tagged pseudonymised); OpenNotebook has both
	// (tagged identifiable); RootNotebook runs in the VPC without internet access
	// but allows root.
	GoodNotebook, OpenNotebook, RootNotebook string
	// GoodWorkspace has both volumes encrypted with a KMS key (tagged
	// pseudonymised); RootUnencryptedWorkspace encrypts only its user volume;
	// PlainWorkspace was created without asking for encryption at all.
	GoodWorkspace, RootUnencryptedWorkspace, PlainWorkspace string
	// The WorkSpace IDs of the three, as AWS (moto) chose them.
	GoodWorkspaceID, RootUnencryptedWorkspaceID, PlainWorkspaceID string
	// DirectoryID is the directory the WorkSpaces belong to.
	DirectoryID string
}

// NotebookKey and WorkspacesKey are the KMS key ARNs the compliant resources name.
const (
	NotebookKey   = "arn:aws:kms:" + Region + ":" + motoAccount + ":key/0b1c2d3e-1111-4a5b-8c9d-0e1f2a3b4c5d"
	WorkspacesKey = "arn:aws:kms:" + Region + ":" + motoAccount + ":key/0b1c2d3e-2222-4a5b-8c9d-0e1f2a3b4c5d"
)

func endUserID(kind, name string) string {
	return fmt.Sprintf("aws://%s/%s/%s/%s", motoAccount, Region, kind, name)
}

// SeedEndUsers creates, with the SDK itself (outside sdescan's read-only guard),
// SageMaker notebook instances and WorkSpaces (in a Simple AD directory it creates
// and registers), compliant and not, in Region.
//
// moto does not implement AppStream 2.0; its tests use recorded-style responses.
func (s *Server) SeedEndUsers(t testing.TB) EndUsers {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	var ids EndUsers

	// Two default subnets in different zones, for the notebooks and the directory.
	ec := ec2.NewFromConfig(cfg)
	subnets, err := ec.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	must("default subnets", err)
	slices.SortFunc(subnets.Subnets, func(a, b ec2types.Subnet) int {
		return strings.Compare(aws.ToString(a.AvailabilityZone), aws.ToString(b.AvailabilityZone))
	})
	if len(subnets.Subnets) < 2 {
		t.Fatalf("seed: moto has %d default subnets in %s, want at least 2", len(subnets.Subnets), Region)
	}
	subnetA, subnetB := aws.ToString(subnets.Subnets[0].SubnetId), aws.ToString(subnets.Subnets[1].SubnetId)
	vpcID := aws.ToString(subnets.Subnets[0].VpcId)
	sg, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("sde-notebooks"), Description: aws.String("SDE notebooks"), VpcId: aws.String(vpcID)})
	must("notebook security group", err)

	// SageMaker notebook instances.
	sm := sagemaker.NewFromConfig(cfg)
	notebook := func(name, internet, root string, private bool, classification string) string {
		t.Helper()
		in := &sagemaker.CreateNotebookInstanceInput{
			NotebookInstanceName: aws.String(name),
			InstanceType:         smtypes.InstanceTypeMlT3Medium,
			RoleArn:              aws.String("arn:aws:iam::" + motoAccount + ":role/sde-notebook"),
			DirectInternetAccess: smtypes.DirectInternetAccess(internet),
			RootAccess:           smtypes.RootAccess(root),
			Tags:                 []smtypes.Tag{{Key: aws.String("data-classification"), Value: aws.String(classification)}},
		}
		if private {
			in.SubnetId, in.SecurityGroupIds, in.KmsKeyId = aws.String(subnetA), []string{aws.ToString(sg.GroupId)}, aws.String(NotebookKey)
		}
		_, err := sm.CreateNotebookInstance(ctx, in)
		must("notebook "+name, err)
		return endUserID("sagemaker/notebook-instance", name)
	}
	ids.GoodNotebook = notebook("sde-analysis", "Disabled", "Disabled", true, "pseudonymised")
	ids.OpenNotebook = notebook("sde-scratch", "Enabled", "Enabled", false, "identifiable")
	ids.RootNotebook = notebook("sde-admin-tools", "Disabled", "Enabled", true, "pseudonymised")

	// WorkSpaces need a registered directory. The Directory Service SDK module is
	// not among the project's dependencies, so the directory is created with one
	// signed JSON request.
	var dir struct{ DirectoryId string }
	must("directory", s.jsonCall(ctx, "ds", "DirectoryService_20150416.CreateDirectory", map[string]any{
		"Name": "corp.sde.example", "Password": "Sde-Directory-Passw0rd", "Size": "Small",
		"VpcSettings": map[string]any{"VpcId": vpcID, "SubnetIds": []string{subnetA, subnetB}},
	}, &dir))
	ids.DirectoryID = dir.DirectoryId
	wc := workspaces.NewFromConfig(cfg)
	_, err = wc.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dir.DirectoryId), SubnetIds: []string{subnetA, subnetB}})
	must("register directory", err)
	workspace := func(user string, root, userVol *bool, key string, classification string) string {
		t.Helper()
		req := wstypes.WorkspaceRequest{
			DirectoryId:                 aws.String(dir.DirectoryId),
			UserName:                    aws.String(user),
			BundleId:                    aws.String("wsb-0a1b2c3d4"),
			RootVolumeEncryptionEnabled: root,
			UserVolumeEncryptionEnabled: userVol,
			Tags:                        []wstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String(classification)}},
		}
		if key != "" {
			req.VolumeEncryptionKey = aws.String(key)
		}
		out, err := wc.CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: []wstypes.WorkspaceRequest{req}})
		must("workspace of "+user, err)
		if len(out.FailedRequests) > 0 || len(out.PendingRequests) != 1 {
			t.Fatalf("seed workspace of %s: failed %+v", user, out.FailedRequests)
		}
		return aws.ToString(out.PendingRequests[0].WorkspaceId)
	}
	ids.GoodWorkspaceID = workspace("alice.analyst", aws.Bool(true), aws.Bool(true), WorkspacesKey, "pseudonymised")
	ids.RootUnencryptedWorkspaceID = workspace("dave.analyst", aws.Bool(false), aws.Bool(true), WorkspacesKey, "identifiable")
	ids.PlainWorkspaceID = workspace("erin.analyst", nil, nil, "", "identifiable")
	ids.GoodWorkspace = endUserID("workspaces/workspace", ids.GoodWorkspaceID)
	ids.RootUnencryptedWorkspace = endUserID("workspaces/workspace", ids.RootUnencryptedWorkspaceID)
	ids.PlainWorkspace = endUserID("workspaces/workspace", ids.PlainWorkspaceID)
	return ids
}

// AppStreamTarget prefixes the X-Amz-Target of every AppStream 2.0 request.
const AppStreamTarget = "PhotonAdminProxyService."

// WithAppStream returns a proxy in front of the emulator that hands AppStream 2.0
// requests (moto does not implement the service at all) to answer and forwards
// everything else, so STS and the other services still reach moto. Deny works on
// the proxy as on the emulator.
func (s *Server) WithAppStream(t testing.TB, answer http.Handler) *Server {
	t.Helper()
	return s.front(t, func(r *http.Request) bool { return strings.HasPrefix(r.Header.Get("X-Amz-Target"), AppStreamTarget) }, answer)
}

// EmptyAppStream answers AppStream 2.0 as an account without stacks, fleets or
// image builders does. Tests that do not seed AppStream can put it in front of
// moto (s.WithAppStream(t, EmptyAppStream)) so that AppStream is read, empty,
// rather than failing on the emulator's missing service.
var EmptyAppStream = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	answers := map[string]string{
		"DescribeStacks":        `{"Stacks":[]}`,
		"DescribeFleets":        `{"Fleets":[]}`,
		"DescribeImageBuilders": `{"ImageBuilders":[]}`,
		"ListTagsForResource":   `{"Tags":{}}`,
	}
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), AppStreamTarget)
	body, ok := answers[op]
	if !ok {
		WriteAWSJSONError(w, http.StatusBadRequest, "UnknownOperationException", "the AppStream stub does not answer "+op)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = io.WriteString(w, body)
})

// WriteAWSJSONError writes an error in the AWS JSON 1.1 protocol's format.
func WriteAWSJSONError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": message})
}

// jsonCall sends one AWS JSON 1.1 request, signed with the test credentials, and
// decodes the answer into out.
func (s *Server) jsonCall(ctx context.Context, service, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	creds, err := s.Config().Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, Region, time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", target, resp.Status, data)
	}
	return json.Unmarshal(data, out)
}
