package mototest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Resource IDs of the IAM entities SeedIAM creates.
const (
	IAMGoodUserID   = "aws://123456789012/global/iam/user/sde-alice"
	IAMBadUserID    = "aws://123456789012/global/iam/user/sde-bob"
	IAMAdminRoleID  = "aws://123456789012/global/iam/role/sde-platform-admin"
	IAMReaderRoleID = "aws://123456789012/global/iam/role/sde-analysis-instance"
	IAMAdminGroupID = "aws://123456789012/global/iam/group/sde-operators"
	IAMReadGroupID  = "aws://123456789012/global/iam/group/sde-analysts"
	IAMAdminPolID   = "aws://123456789012/global/iam/policy/sde-full-access"
	IAMReadPolID    = "aws://123456789012/global/iam/policy/sde-curated-read"
)

// IAMSeed holds the secrets SeedIAM created, so that a test can prove none of them
// reaches the facts.
type IAMSeed struct {
	GoodKeyID, BadKeyID, BadInactiveKeyID string
	Secrets                               []string
}

// StartIAM starts moto with the AWS managed policies loaded (moto leaves them out
// by default, and AdministratorAccess cannot be attached without them).
func StartIAM(t testing.TB) *Server {
	t.Helper()
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	return Start(t)
}

const (
	adminDoc  = `{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}`
	readDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::sde-good-data","arn:aws:s3:::sde-good-data/*"]}]}`
	ec2Trust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	rootTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}`
	// A narrow inline policy: one action on one log group.
	logsDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:eu-west-2:123456789012:log-group:/sde/analysis:*"}]}`
)

// SeedIAM creates, with the SDK itself (outside sdescan's read-only guard):
//
//   - sde-alice, compliant: console password, a virtual MFA device, one active
//     access key that has been used (a call is made with it, which moto records),
//     member of sde-analysts (sde-curated-read attached);
//   - sde-bob, not compliant: console password without MFA, one active access key
//     never used and one inactive key, member of sde-operators (the customer
//     policy sde-full-access, "*" on "*", attached), and an inline "*" on "*"
//     policy of his own;
//   - sde-platform-admin, a role with AdministratorAccess attached (not a
//     break-glass role);
//   - sde-analysis-instance, a least-privilege role for EC2: sde-curated-read and
//     an inline policy writing to one log group.
//
// moto stamps creation and last-use times with the real clock and cannot backdate
// them; it never records console sign-ins (PasswordLastUsed stays empty).
func (s *Server) SeedIAM(t testing.TB) IAMSeed {
	t.Helper()
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	var seed IAMSeed

	full, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("sde-full-access"), PolicyDocument: aws.String(adminDoc)})
	must("policy sde-full-access", err)
	read, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("sde-curated-read"), PolicyDocument: aws.String(readDoc)})
	must("policy sde-curated-read", err)
	for group, arn := range map[string]*string{"sde-operators": full.Policy.Arn, "sde-analysts": read.Policy.Arn} {
		_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)})
		must("group "+group, err)
		_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: arn})
		must("group policy of "+group, err)
	}

	user := func(name, group string) {
		t.Helper()
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
		must("user "+name, err)
		_, err = c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String(name), Password: aws.String("Correct-Horse-Battery-9")})
		must("login profile of "+name, err)
		_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String(name), GroupName: aws.String(group)})
		must("group of "+name, err)
	}
	key := func(name string) (id, secret string) {
		t.Helper()
		k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		must("access key of "+name, err)
		return aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)
	}

	user("sde-alice", "sde-analysts")
	mfa, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("sde-alice")})
	must("MFA device", err)
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("sde-alice"), SerialNumber: mfa.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	must("enable MFA", err)
	var secret string
	seed.GoodKeyID, secret = key("sde-alice")
	seed.Secrets = append(seed.Secrets, secret)
	// Use the key once: moto records the call as the key's last use.
	used := s.Config()
	used.Credentials = credentials.NewStaticCredentialsProvider(seed.GoodKeyID, secret, "")
	_, err = sts.NewFromConfig(used).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must("use of alice's key", err)

	user("sde-bob", "sde-operators")
	seed.BadKeyID, secret = key("sde-bob")
	seed.Secrets = append(seed.Secrets, secret)
	seed.BadInactiveKeyID, secret = key("sde-bob")
	seed.Secrets = append(seed.Secrets, secret)
	_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("sde-bob"), AccessKeyId: aws.String(seed.BadInactiveKeyID), Status: "Inactive"})
	must("deactivate bob's second key", err)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("sde-bob"), PolicyName: aws.String("everything"), PolicyDocument: aws.String(adminDoc)})
	must("bob's inline policy", err)

	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("sde-platform-admin"), AssumeRolePolicyDocument: aws.String(rootTrust)})
	must("role sde-platform-admin", err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("sde-platform-admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	must("AdministratorAccess on sde-platform-admin", err)

	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("sde-analysis-instance"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
	must("role sde-analysis-instance", err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("sde-analysis-instance"), PolicyArn: read.Policy.Arn})
	must("sde-curated-read on sde-analysis-instance", err)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("sde-analysis-instance"), PolicyName: aws.String("write-logs"), PolicyDocument: aws.String(logsDoc)})
	must("inline policy of sde-analysis-instance", err)
	return seed
}
