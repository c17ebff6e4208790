package aws

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/policydoc"
)

// iamWorkers bounds concurrent per-user reads (IAM's request rate is account-wide
// and low, so fewer than for S3).
const iamWorkers = 4

var (
	iamUserTypes   = []string{"aws.iam.user"}
	iamRoleTypes   = []string{"aws.iam.role"}
	iamGroupTypes  = []string{"aws.iam.group"}
	iamPolicyTypes = []string{"aws.iam.policy"}
	iamTypes       = []string{"aws.iam.group", "aws.iam.policy", "aws.iam.role", "aws.iam.user"}
)

func init() {
	register(service{
		name:    "iam",
		global:  true,
		covers:  iamTypes,
		collect: (*collector).collectIAM,
		ops: []Operation{
			{"IAM", "GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails"},
			{"IAM", "GetLoginProfile", "iam:GetLoginProfile"},
			{"IAM", "ListMFADevices", "iam:ListMFADevices"},
			{"IAM", "ListAccessKeys", "iam:ListAccessKeys"},
			{"IAM", "GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed"},
			{"IAM", "ListUsers", "iam:ListUsers"},
			{"IAM", "GetUser", "iam:GetUser"},
			{"IAM", "GetRole", "iam:GetRole"},
		},
	})
}

// collectIAM reads the account's IAM users, groups, roles and customer managed
// policies. One paginated GetAccountAuthorizationDetails gives every entity with
// its attached and inline policies, group memberships, role trust policies and
// last use, and every customer managed policy with its versions' documents; the
// joins the checks need (group members, who a policy is attached to) are made
// from it. Only the credentials need per-user calls: GetLoginProfile,
// ListMFADevices, ListAccessKeys and GetAccessKeyLastUsed per key, and, when some
// user has a console password, one ListUsers for when each password was last used.
//
// The credential report is not used: it can be four hours old, so a console
// password set since would be missed (a pass that is not one), it names access
// keys by slot rather than ID, and it has to be generated and waited for. The calls
// above answer the same questions as of the collection.
func (c *collector) collectIAM(ctx context.Context) {
	client := iam.NewFromConfig(c.cfg)
	var (
		users    []iamtypes.UserDetail
		groups   []iamtypes.GroupDetail
		roles    []iamtypes.RoleDetail
		policies []iamtypes.ManagedPolicyDetail
	)
	p := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeGroup, iamtypes.EntityTypeRole, iamtypes.EntityTypeLocalManagedPolicy},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			// Without every page the joins would be incomplete: nothing is reported.
			c.fail(checks.CollectError{Service: "iam", API: "GetAccountAuthorizationDetails", ResourceTypes: iamTypes, Message: errorMessage(err)})
			return
		}
		users = append(users, page.UserDetailList...)
		groups = append(groups, page.GroupDetailList...)
		roles = append(roles, page.RoleDetailList...)
		policies = append(policies, page.Policies...)
	}

	// Joins: group name -> member user names; policy ARN -> attached entities.
	members := map[string][]string{}
	attached := map[string]*iamAttachments{}
	attach := func(arn string) *iamAttachments {
		a := attached[arn]
		if a == nil {
			a = &iamAttachments{}
			attached[arn] = a
		}
		return a
	}
	for _, u := range users {
		name := sdkaws.ToString(u.UserName)
		for _, g := range u.GroupList {
			members[g] = append(members[g], name)
		}
		for _, ap := range u.AttachedManagedPolicies {
			a := attach(sdkaws.ToString(ap.PolicyArn))
			a.users = append(a.users, name)
		}
	}
	for _, g := range groups {
		for _, ap := range g.AttachedManagedPolicies {
			a := attach(sdkaws.ToString(ap.PolicyArn))
			a.groups = append(a.groups, sdkaws.ToString(g.GroupName))
		}
	}
	for _, r := range roles {
		for _, ap := range r.AttachedManagedPolicies {
			a := attach(sdkaws.ToString(ap.PolicyArn))
			a.roles = append(a.roles, sdkaws.ToString(r.RoleName))
		}
	}

	for _, pol := range policies {
		a := attached[sdkaws.ToString(pol.Arn)]
		if a == nil {
			a = &iamAttachments{}
		}
		c.addIAMPolicy(ctx, pol, a)
	}
	for _, g := range groups {
		c.addIAMGroup(ctx, g, members[sdkaws.ToString(g.GroupName)])
	}
	for _, r := range roles {
		c.addIAMRole(ctx, client, r)
	}
	c.collectIAMUsers(ctx, client, users)
}

type iamAttachments struct{ users, groups, roles []string }

func (c *collector) iamID(kind, name string) string {
	return resourceID(c.account, "global", "iam/"+kind, name)
}

func (c *collector) addIAMPolicy(ctx context.Context, pol iamtypes.ManagedPolicyDetail, a *iamAttachments) {
	name := sdkaws.ToString(pol.PolicyName)
	if name == "" {
		// The name is the ARN's last segment (arn:aws:iam::<account>:policy/<path>/<name>).
		arn := sdkaws.ToString(pol.Arn)
		name = arn[strings.LastIndexByte(arn, '/')+1:]
	}
	id := c.iamID("policy", name)
	def := sdkaws.ToString(pol.DefaultVersionId)
	attrs := map[string]any{
		"policy_name":      name,
		"arn":              sdkaws.ToString(pol.Arn),
		"attachment_count": int(sdkaws.ToInt32(pol.AttachmentCount)),
		"attached_users":   sortedStrings(a.users),
		"attached_groups":  sortedStrings(a.groups),
		"attached_roles":   sortedStrings(a.roles),
	}
	if def != "" {
		attrs["default_version_id"] = def
	}
	var doc *string
	for _, v := range pol.PolicyVersionList {
		if v.IsDefaultVersion || (def != "" && sdkaws.ToString(v.VersionId) == def) {
			doc = v.Document
			break
		}
	}
	if doc == nil {
		c.fail(checks.CollectError{Service: "iam", API: "GetAccountAuthorizationDetails", Resource: id, ResourceTypes: iamPolicyTypes,
			Message: fmt.Sprintf("no document for the default version %q of policy %s", def, name)})
	} else if stmts, err := policydoc.Normalize(iamDocument(doc)); err != nil {
		c.fail(checks.CollectError{Service: "iam", API: "GetAccountAuthorizationDetails", Resource: id, ResourceTypes: iamPolicyTypes, Message: "policy " + name + ": " + err.Error()})
	} else {
		attrs["statements"] = iamStatements(stmts)
	}
	c.add(ctx, checks.Resource{ID: id, Type: "aws.iam.policy", Source: "aws", Scope: checks.Scope{Account: c.account}, Attributes: attrs})
}

func (c *collector) addIAMGroup(ctx context.Context, g iamtypes.GroupDetail, members []string) {
	name := sdkaws.ToString(g.GroupName)
	id := c.iamID("group", name)
	attrs := map[string]any{
		"group_name":        name,
		"arn":               sdkaws.ToString(g.Arn),
		"members":           sortedStrings(members),
		"attached_policies": iamAttachedPolicies(g.AttachedManagedPolicies),
	}
	if inline, ok := c.iamInlinePolicies(g.GroupPolicyList, id, iamGroupTypes); ok {
		attrs["inline_policies"] = inline
	}
	c.add(ctx, checks.Resource{ID: id, Type: "aws.iam.group", Source: "aws", Scope: checks.Scope{Account: c.account}, Attributes: attrs})
}

func (c *collector) addIAMRole(ctx context.Context, client *iam.Client, r iamtypes.RoleDetail) {
	ctx = cite(ctx)
	name := sdkaws.ToString(r.RoleName)
	id := c.iamID("role", name)
	path := sdkaws.ToString(r.Path)
	attrs := map[string]any{
		"role_name":         name,
		"arn":               sdkaws.ToString(r.Arn),
		"path":              path,
		"service_linked":    strings.HasPrefix(path, "/aws-service-role/"),
		"attached_policies": iamAttachedPolicies(r.AttachedManagedPolicies),
	}
	if r.CreateDate != nil {
		attrs["create_date"] = iamTime(*r.CreateDate)
	}
	if inline, ok := c.iamInlinePolicies(r.RolePolicyList, id, iamRoleTypes); ok {
		attrs["inline_policies"] = inline
	}
	if stmts, err := policydoc.Normalize(iamDocument(r.AssumeRolePolicyDocument)); err != nil {
		c.fail(checks.CollectError{Service: "iam", API: "GetAccountAuthorizationDetails", Resource: id, ResourceTypes: iamRoleTypes, Message: "trust policy: " + err.Error()})
	} else {
		attrs["trust_policy"] = iamStatements(stmts)
	}
	last := r.RoleLastUsed
	if last == nil {
		// Not in the listing: ask the role itself, as the facts schema says.
		out, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
		if err != nil {
			c.fail(checks.CollectError{Service: "iam", API: "GetRole", Resource: id, ResourceTypes: iamRoleTypes, Message: errorMessage(err)})
		} else if out.Role != nil {
			last = out.Role.RoleLastUsed
			if last == nil {
				last = &iamtypes.RoleLastUsed{}
			}
		}
	}
	if last != nil {
		attrs["last_used"] = iamTimeOrNull(last.LastUsedDate)
	}
	c.add(ctx, checks.Resource{ID: id, Type: "aws.iam.role", Source: "aws", Scope: checks.Scope{Account: c.account}, Tags: iamTags(r.Tags), Attributes: attrs})
}

// iamUser is one user being read: its resource and the failures met, recorded in
// user order once every user is read so that the errors are deterministic.
type iamUser struct {
	ctx    context.Context // the user's citation scope
	detail iamtypes.UserDetail
	res    checks.Resource
	errs   []checks.CollectError
}

func (u *iamUser) fail(api string, err error, scrub ...string) {
	msg := errorMessage(err)
	for _, s := range scrub {
		msg = strings.ReplaceAll(msg, s, maskAccessKeyID(s))
	}
	u.errs = append(u.errs, checks.CollectError{Service: "iam", API: api, Resource: u.res.ID, ResourceTypes: iamUserTypes, Message: msg})
}

func (c *collector) collectIAMUsers(ctx context.Context, client *iam.Client, details []iamtypes.UserDetail) {
	users := make([]*iamUser, len(details))
	for i, d := range details {
		name := sdkaws.ToString(d.UserName)
		attrs := map[string]any{
			"user_name":         name,
			"arn":               sdkaws.ToString(d.Arn),
			"user_id":           sdkaws.ToString(d.UserId),
			"path":              sdkaws.ToString(d.Path),
			"groups":            sortedStrings(d.GroupList),
			"attached_policies": iamAttachedPolicies(d.AttachedManagedPolicies),
		}
		if d.CreateDate != nil {
			attrs["create_date"] = iamTime(*d.CreateDate)
		}
		id := c.iamID("user", name)
		users[i] = &iamUser{ctx: cite(ctx), detail: d, res: checks.Resource{ID: id, Type: "aws.iam.user", Source: "aws", Scope: checks.Scope{Account: c.account}, Tags: iamTags(d.Tags), Attributes: attrs}}
		if inline, ok := c.iamInlinePolicies(d.UserPolicyList, id, iamUserTypes); ok {
			attrs["inline_policies"] = inline
		}
	}

	jobs := make(chan *iamUser)
	done := make(chan struct{})
	workers := min(iamWorkers, max(len(users), 1))
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for u := range jobs {
				readIAMCredentials(u.ctx, client, u)
			}
		}()
	}
	for _, u := range users {
		jobs <- u
	}
	close(jobs)
	for range workers {
		<-done
	}

	c.iamPasswordsLastUsed(ctx, client, users)
	for _, u := range users {
		for _, e := range u.errs {
			c.fail(e)
		}
		c.add(u.ctx, u.res)
	}
}

// readIAMCredentials reads a user's console password, MFA devices and access keys.
func readIAMCredentials(ctx context.Context, client *iam.Client, u *iamUser) {
	attrs := u.res.Attributes
	name := u.detail.UserName

	lp, err := client.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: name})
	switch {
	case err == nil:
		attrs["password_enabled"] = true
		if lp.LoginProfile != nil && lp.LoginProfile.CreateDate != nil {
			attrs["password_created"] = iamTime(*lp.LoginProfile.CreateDate)
		}
	case errorCode(err) == "NoSuchEntity":
		attrs["password_enabled"] = false // no console password
	default:
		u.fail("GetLoginProfile", err)
	}

	var devices []iamtypes.MFADevice
	mfaRead := true
	mp := iam.NewListMFADevicesPaginator(client, &iam.ListMFADevicesInput{UserName: name})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			u.fail("ListMFADevices", err)
			mfaRead = false
			break
		}
		devices = append(devices, page.MFADevices...)
	}
	if mfaRead {
		attrs["mfa_devices"] = iamMFADevices(devices)
	}

	var keys []iamtypes.AccessKeyMetadata
	kp := iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{UserName: name})
	for kp.HasMorePages() {
		page, err := kp.NextPage(ctx)
		if err != nil {
			u.fail("ListAccessKeys", err)
			return
		}
		keys = append(keys, page.AccessKeyMetadata...)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := sdkaws.ToTime(keys[i].CreateDate), sdkaws.ToTime(keys[j].CreateDate)
		if !a.Equal(b) {
			return a.Before(b)
		}
		return sdkaws.ToString(keys[i].AccessKeyId) < sdkaws.ToString(keys[j].AccessKeyId)
	})
	list := make([]any, 0, len(keys))
	for _, k := range keys {
		keyID := sdkaws.ToString(k.AccessKeyId)
		key := map[string]any{"access_key_id": maskAccessKeyID(keyID)}
		switch k.Status {
		case iamtypes.StatusTypeActive, iamtypes.StatusTypeInactive:
			key["status"] = string(k.Status)
		default:
			// Not a status the checks know: left out, so they cannot pass the key.
			u.errs = append(u.errs, checks.CollectError{Service: "iam", API: "ListAccessKeys", Resource: u.res.ID, ResourceTypes: iamUserTypes,
				Message: fmt.Sprintf("access key %s has status %q", maskAccessKeyID(keyID), k.Status)})
		}
		if k.CreateDate != nil {
			key["created"] = iamTime(*k.CreateDate)
		}
		lu, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
		if err != nil {
			u.fail("GetAccessKeyLastUsed", err, keyID)
		} else {
			var when *time.Time
			if l := lu.AccessKeyLastUsed; l != nil {
				when = l.LastUsedDate
				if s := sdkaws.ToString(l.ServiceName); when != nil && s != "" && s != "N/A" {
					key["last_used_service"] = s
				}
			}
			key["last_used"] = iamTimeOrNull(when)
		}
		list = append(list, key)
	}
	attrs["access_keys"] = list
}

// iamPasswordsLastUsed sets password_last_used on the users with a console password,
// from one ListUsers (GetUser for a user created since the listing).
func (c *collector) iamPasswordsLastUsed(ctx context.Context, client *iam.Client, users []*iamUser) {
	var need []*iamUser
	for _, u := range users {
		if u.res.Attributes["password_enabled"] == true {
			need = append(need, u)
		}
	}
	if len(need) == 0 {
		return
	}
	listed := map[string]*time.Time{}
	lctx := cite(ctx)
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(lctx)
		if err != nil {
			c.fail(checks.CollectError{Service: "iam", API: "ListUsers", ResourceTypes: iamUserTypes, Message: errorMessage(err)})
			return
		}
		for _, u := range page.Users {
			listed[sdkaws.ToString(u.UserName)] = u.PasswordLastUsed
		}
	}
	for _, u := range need {
		name := sdkaws.ToString(u.detail.UserName)
		when, ok := listed[name]
		citeAlso(u.ctx, ownCitations(lctx))
		if !ok {
			out, err := client.GetUser(u.ctx, &iam.GetUserInput{UserName: u.detail.UserName})
			if err != nil || out.User == nil {
				if err == nil {
					err = errors.New("GetUser returned no user")
				}
				u.fail("GetUser", err)
				continue
			}
			when = out.User.PasswordLastUsed
		}
		// Absent: the password has never been used (or not since October 2014).
		u.res.Attributes["password_last_used"] = iamTimeOrNull(when)
	}
}

// iamInlinePolicies normalises inline policies, sorted by name; ok is false (and the
// failure recorded) when a document cannot be read.
func (c *collector) iamInlinePolicies(list []iamtypes.PolicyDetail, id string, types []string) ([]any, bool) {
	sorted := append([]iamtypes.PolicyDetail(nil), list...)
	sort.Slice(sorted, func(i, j int) bool {
		return sdkaws.ToString(sorted[i].PolicyName) < sdkaws.ToString(sorted[j].PolicyName)
	})
	out := make([]any, 0, len(sorted))
	for _, p := range sorted {
		name := sdkaws.ToString(p.PolicyName)
		stmts, err := policydoc.Normalize(iamDocument(p.PolicyDocument))
		if err != nil {
			c.fail(checks.CollectError{Service: "iam", API: "GetAccountAuthorizationDetails", Resource: id, ResourceTypes: types, Message: "inline policy " + name + ": " + err.Error()})
			return nil, false
		}
		out = append(out, map[string]any{"policy_name": name, "statements": iamStatements(stmts)})
	}
	return out, true
}

// iamDocument returns a policy document as JSON. IAM returns documents URL-encoded
// (RFC 3986: '+' is itself, not a space); emulators may not.
func iamDocument(doc *string) string {
	s := sdkaws.ToString(doc)
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

func iamAttachedPolicies(list []iamtypes.AttachedPolicy) []any {
	sorted := append([]iamtypes.AttachedPolicy(nil), list...)
	sort.Slice(sorted, func(i, j int) bool {
		return sdkaws.ToString(sorted[i].PolicyArn) < sdkaws.ToString(sorted[j].PolicyArn)
	})
	out := make([]any, 0, len(sorted))
	for _, p := range sorted {
		out = append(out, map[string]any{"policy_name": sdkaws.ToString(p.PolicyName), "policy_arn": sdkaws.ToString(p.PolicyArn)})
	}
	return out
}

func iamMFADevices(list []iamtypes.MFADevice) []any {
	sort.Slice(list, func(i, j int) bool {
		return sdkaws.ToString(list[i].SerialNumber) < sdkaws.ToString(list[j].SerialNumber)
	})
	out := make([]any, 0, len(list))
	for _, d := range list {
		m := map[string]any{"serial_number": sdkaws.ToString(d.SerialNumber)}
		if d.EnableDate != nil {
			m["enable_date"] = iamTime(*d.EnableDate)
		}
		out = append(out, m)
	}
	return out
}

// maskAccessKeyID keeps only the last four characters of an access key ID: enough
// to tell a user's keys apart and find one in the console, never the whole ID.
func maskAccessKeyID(id string) string {
	if len(id) <= 4 {
		return "…"
	}
	return "…" + id[len(id)-4:]
}

func iamStatements(stmts []map[string]any) []any {
	out := make([]any, len(stmts))
	for i, s := range stmts {
		out[i] = s
	}
	return out
}

// sortedStrings returns a sorted copy of in, as the facts hold lists.
func sortedStrings(in []string) []any {
	s := append([]string(nil), in...)
	sort.Strings(s)
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func iamTags(tags []iamtypes.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
	}
	return out
}

func iamTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// iamTimeOrNull is an RFC3339 time, or nil (JSON null: never used) for no time.
func iamTimeOrNull(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return iamTime(*t)
}
