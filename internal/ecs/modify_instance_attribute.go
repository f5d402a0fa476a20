package ecs

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceAttributeRequest is ModifyInstanceAttribute's input: every
// field of the SDK's request model. Those ecsd does not model are refused
// by name rather than ignored.
type ModifyInstanceAttributeRequest struct {
	rpc.AccountDelegation
	RegionId                    string   `param:"RegionId"`
	InstanceId                  string   `param:"InstanceId,required"`
	InstanceName                *string  `param:"InstanceName"`
	Description                 *string  `param:"Description"`
	HostName                    *string  `param:"HostName"`
	Password                    *string  `param:"Password"`
	UserData                    *string  `param:"UserData"`
	DeletionProtection          *bool    `param:"DeletionProtection"`
	CreditSpecification         *string  `param:"CreditSpecification"`
	SecurityGroupIds            []string `param:"SecurityGroupIds"`
	NetworkInterfaceQueueNumber *int     `param:"NetworkInterfaceQueueNumber"`
	Recyclable                  *bool    `param:"Recyclable"`
	EnableJumboFrame            *bool    `param:"EnableJumboFrame"`
	EnableNetworkEncryption     *bool    `param:"EnableNetworkEncryption"`
	CpuOptions                  struct {
		Core           *int    `param:"Core"`
		ThreadsPerCore *int    `param:"ThreadsPerCore"`
		TopologyType   *string `param:"TopologyType"`
	} `param:"CpuOptions"`
	PrivateDnsNameOptions struct {
		EnableInstanceIdDnsAAAARecord *bool   `param:"EnableInstanceIdDnsAAAARecord"`
		EnableInstanceIdDnsARecord    *bool   `param:"EnableInstanceIdDnsARecord"`
		EnableIpDnsARecord            *bool   `param:"EnableIpDnsARecord"`
		EnableIpDnsPtrRecord          *bool   `param:"EnableIpDnsPtrRecord"`
		HostnameType                  *string `param:"HostnameType"`
	} `param:"PrivateDnsNameOptions"`
	RemoteConnectionOptions struct {
		Password *string `param:"Password"`
		Type     *string `param:"Type"`
	} `param:"RemoteConnectionOptions"`
}

// ModifyInstanceAttributeResponse is its answer.
type ModifyInstanceAttributeResponse struct{ rpc.Response }

// unsupported names the first parameter of the request that ecsd does
// not model (jumbo frames, CPU topology, private DNS names, remote
// connections), or "".
func (req *ModifyInstanceAttributeRequest) unsupported() string {
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"EnableJumboFrame", req.EnableJumboFrame != nil},
		{"EnableNetworkEncryption", req.EnableNetworkEncryption != nil},
		{"CpuOptions.Core", req.CpuOptions.Core != nil},
		{"CpuOptions.ThreadsPerCore", req.CpuOptions.ThreadsPerCore != nil},
		{"CpuOptions.TopologyType", req.CpuOptions.TopologyType != nil},
		{"PrivateDnsNameOptions.EnableInstanceIdDnsAAAARecord", req.PrivateDnsNameOptions.EnableInstanceIdDnsAAAARecord != nil},
		{"PrivateDnsNameOptions.EnableInstanceIdDnsARecord", req.PrivateDnsNameOptions.EnableInstanceIdDnsARecord != nil},
		{"PrivateDnsNameOptions.EnableIpDnsARecord", req.PrivateDnsNameOptions.EnableIpDnsARecord != nil},
		{"PrivateDnsNameOptions.EnableIpDnsPtrRecord", req.PrivateDnsNameOptions.EnableIpDnsPtrRecord != nil},
		{"PrivateDnsNameOptions.HostnameType", req.PrivateDnsNameOptions.HostnameType != nil},
		{"RemoteConnectionOptions.Password", req.RemoteConnectionOptions.Password != nil},
		{"RemoteConnectionOptions.Type", req.RemoteConnectionOptions.Type != nil},
	} {
		if f.set {
			return f.name
		}
	}
	return ""
}

// maxUserData is the most user data an instance takes, before Base64.
const maxUserData = 16 << 10

// modifyInstanceAttribute handles ModifyInstanceAttribute. What it sets is
// stored and read back by DescribeInstances and DescribeInstanceAttribute
// (the password only as a hash). The rules, in order, each with its code:
func (s *Service) modifyInstanceAttribute(ctx context.Context, env *rpc.Env, req *ModifyInstanceAttributeRequest) (*ModifyInstanceAttributeResponse, error) {
	tx := env.Tx
	// 1. Parameters ecsd does not model, and recycling (not offered).
	if name := req.unsupported(); name != "" {
		return nil, apierr.InvalidParameter.Newf("The specified parameter %s is not supported by ecsd; leave it unset.", name)
	}
	if req.Recyclable != nil {
		return nil, apierr.InvalidParameterRecycleBin.New()
	}
	// 2. The instance: yours, allowed to the caller as stored, not locked
	// for security.
	inst, err := ownInstance(ctx, tx.Q, env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := allowedOn(ctx, env, "ecs:ModifyInstanceAttribute", inst.AccountID, inst.RegionID, "instance/"+inst.ID); err != nil {
		return nil, err
	}
	if err := checkNotLocked(inst); err != nil {
		return nil, err
	}
	typ, _ := s.Catalog.Type(inst.InstanceType)
	img, _ := s.Catalog.Image(inst.ImageID)
	var a store.InstanceAttributes
	// 3. Names and text.
	if v := req.InstanceName; v != nil {
		if err := checkInstanceName(*v); err != nil {
			return nil, err
		}
		a.Name = v
	}
	if v := req.Description; v != nil {
		if err := checkDescription(*v); err != nil {
			return nil, err
		}
		a.Description = v
	}
	if v := req.HostName; v != nil {
		if err := checkHostName(*v, img); err != nil {
			return nil, err
		}
		a.HostName = v
	}
	// 4. The password: not while Starting; kept only as a hash.
	if v := req.Password; v != nil {
		if err := checkPassword(*v, img); err != nil {
			return nil, err
		}
		if inst.Status == store.StatusStarting {
			return nil, incorrectStatus(inst, "Running or Stopped to reset its password")
		}
		h := passwordHash(inst.ID, *v)
		a.PasswordHash = &h
	}
	// 5. User data: Base64 of at most 16 KiB, on a Stopped instance.
	if v := req.UserData; v != nil {
		raw, err := base64.StdEncoding.DecodeString(*v)
		if err != nil {
			return nil, apierr.InvalidParameter.Newf("The specified parameter UserData is not valid: it must be Base64 (%v).", err)
		}
		if len(raw) > maxUserData {
			return nil, apierr.InvalidUserDataSizeExceeded.Newf("The specified parameter \"UserData\" exceeds the size: %d bytes, at most %d before Base64.", len(raw), maxUserData)
		}
		if inst.Status != store.StatusStopped {
			return nil, incorrectStatus(inst, "Stopped to change its user data")
		}
		a.UserData = v
	}
	// 6. Release protection.
	a.DeletionProtection = req.DeletionProtection
	// 7. The performance mode of a burstable type.
	if v := req.CreditSpecification; v != nil {
		if err := checkCreditSpecification(typ, inst.InstanceType, *v); err != nil {
			return nil, err
		}
		a.CreditSpecification = v
	}
	// 8. Security groups: distinct groups of the caller (InvalidSecurityGroupId.NotFound)
	// in the instance's VPC (InvalidInstanceId.Mismatch), at most
	// groupsPerInstance (InstanceSecurityGroupLimitExceeded). They replace
	// the instance's groups, the first reported first; each group's row is
	// held, in id order, so that it is not deleted meanwhile.
	if len(req.SecurityGroupIds) > 0 {
		sorted := slices.Sorted(slices.Values(req.SecurityGroupIds))
		if len(slices.Compact(sorted)) != len(req.SecurityGroupIds) {
			return nil, apierr.InvalidParameter.Newf("The specified parameter SecurityGroupIds.N is not valid: an id is given twice.")
		}
		if len(req.SecurityGroupIds) > groupsPerInstance {
			return nil, apierr.InstanceSecurityGroupLimitExceeded.Newf("An instance can be in at most %d security groups; %d were given.", groupsPerInstance, len(req.SecurityGroupIds))
		}
		for _, id := range sorted {
			g, err := ownGroup(ctx, env, inst.RegionID, id, true)
			if err != nil {
				return nil, err
			}
			if g.VpcID != inst.VpcID {
				return nil, apierr.InvalidInstanceIDMismatch.Newf("Specified instance and security group are not in the same VPC: %s is in %s, %s in %s.", inst.ID, inst.VpcID, g.ID, g.VpcID)
			}
		}
		if err := env.Tx.MembershipsRelease(ctx, inst.ID); err != nil {
			return nil, err
		}
		for k, id := range req.SecurityGroupIds {
			if _, err := env.Tx.MembershipAdd(ctx, inst.ID, id, env.Now.Add(time.Duration(k)*time.Microsecond)); err != nil {
				return nil, err
			}
		}
		a.SecurityGroupID = &req.SecurityGroupIds[0]
	}
	// 9. The primary ENI's queues: Stopped, within the type's limits; -1
	// is the type's default.
	if v := req.NetworkInterfaceQueueNumber; v != nil {
		n := *v
		if n == -1 && typ != nil {
			n = typ.PrimaryEniQueueNumber
		}
		if inst.Status != store.StatusStopped {
			return nil, incorrectStatus(inst, "Stopped to change its queue number")
		}
		if typ != nil {
			if err := checkNetworkLimits(typ, inst.EniCount, inst.SecondaryIPCount, inst.Ipv6Count, n, n*max(inst.EniCount, 1)); err != nil {
				return nil, err
			}
		}
		a.EniQueueNumber = &n
	}
	return &ModifyInstanceAttributeResponse{}, tx.InstanceSetAttributes(ctx, inst.ID, a)
}

// passwordHash is what is kept of an instance's password.
func passwordHash(instanceID, password string) string {
	sum := sha256.Sum256([]byte(instanceID + "\x00" + password))
	return hex.EncodeToString(sum[:])
}

// The attribute rules, shared by RunInstances and ModifyInstanceAttribute.

func webPrefix(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// checkInstanceName: 2 to 128 characters, starting with a letter, not
// with http:// or https://.
func checkInstanceName(name string) error {
	r := []rune(name)
	if len(r) < 2 || len(r) > 128 || !unicode.IsLetter(r[0]) || webPrefix(name) {
		return apierr.InvalidInstanceNameMalformed.Newf("The specified parameter \"InstanceName\" is not valid: %q; use 2 to 128 characters starting with a letter, not with http:// or https://.", name)
	}
	return nil
}

// checkDescription: at most 256 characters, not starting with http:// or
// https://; empty clears it.
func checkDescription(d string) error {
	if len([]rune(d)) > 256 || webPrefix(d) {
		return apierr.InvalidDescriptionMalformed.Newf("The specified parameter \"Description\" is not valid: use at most 256 characters, not starting with http:// or https://.")
	}
	return nil
}

var (
	linuxHostLabel = regexp.MustCompile(`^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`)
	allDigits      = regexp.MustCompile(`^[0-9]+$`)
)

// checkHostName: for Windows 2 to 15 letters, digits and single inner
// hyphens, not only digits; for other systems 2 to 64 characters in
// dot-separated labels of letters, digits and single inner hyphens.
func checkHostName(h string, img *catalog.Image) error {
	bad := func(why string) error {
		return apierr.InvalidHostNameMalformed.Newf("The specified parameter \"HostName\" is not valid: %q; %s.", h, why)
	}
	if img != nil && img.OSType == "windows" {
		if len(h) < 2 || len(h) > 15 || !linuxHostLabel.MatchString(h) || allDigits.MatchString(h) {
			return bad("a Windows host name has 2 to 15 letters, digits and single inner hyphens, not only digits")
		}
		return nil
	}
	if len(h) < 2 || len(h) > 64 {
		return bad("use 2 to 64 characters")
	}
	for _, label := range strings.Split(h, ".") {
		if !linuxHostLabel.MatchString(label) {
			return bad("use labels of letters, digits and single inner hyphens, separated by single periods")
		}
	}
	return nil
}

const passwordSpecials = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/"

// checkPassword: 8 to 30 characters of at least three kinds (upper case,
// lower case, digits, the special characters listed); a Windows password
// does not start with a slash.
func checkPassword(p string, img *catalog.Image) error {
	var upper, lower, digit, special bool
	ok := len(p) >= 8 && len(p) <= 30
	for _, c := range p {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		case strings.ContainsRune(passwordSpecials, c):
			special = true
		default:
			ok = false
		}
	}
	kinds := 0
	for _, k := range []bool{upper, lower, digit, special} {
		if k {
			kinds++
		}
	}
	if !ok || kinds < 3 || (img != nil && img.OSType == "windows" && strings.HasPrefix(p, "/")) {
		return apierr.InvalidPasswordMalformed.Newf("The specified parameter \"Password\" is not valid: use 8 to 30 characters with at least three of upper case, lower case, digits and %s.", passwordSpecials)
	}
	return nil
}
