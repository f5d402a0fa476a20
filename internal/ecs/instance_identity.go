package ecs

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// What RunInstances sets about who each instance is: its name and host
// name (one per instance, sequential when asked), its login (a password,
// kept as a hash, or a key pair), its resource group, a serial number and
// the metadata service options.

// identityPlan is the checked identity of the instances of one purchase.
type identityPlan struct {
	names, hosts  []string // per instance; "" gives the default
	password      string   // hashed per instance, never stored as given
	keyPair       string
	resourceGroup string
	metadata      store.MetadataOptions
}

// name is the InstanceName of the k-th instance: the default is its id.
func (ip *identityPlan) name(k int, id string) string {
	if ip.names[k] == "" {
		return id
	}
	return ip.names[k]
}

// host is the HostName of the k-th instance: the default is iZ<id>Z.
func (ip *identityPlan) host(k int, id string) string {
	if ip.hosts[k] == "" {
		return "iZ" + id[2:] + "Z"
	}
	return strings.ReplaceAll(ip.hosts[k], instanceIDPlaceholder, id)
}

// apply sets the rest of the identity on a new instance.
func (ip *identityPlan) apply(inst *store.Instance) {
	inst.KeyPairName, inst.ResourceGroupID, inst.Metadata = ip.keyPair, ip.resourceGroup, ip.metadata
	inst.SerialNumber = newSerialNumber()
	if ip.password != "" {
		inst.PasswordHash = passwordHash(inst.ID, ip.password)
	}
}

// instanceIDPlaceholder in a HostName stands for the instance's id.
const instanceIDPlaceholder = "${instance_id}"

// planIdentity checks RunInstances' identity parameters, in order, each
// with its code:
//
//	InstanceName, HostName, HostNames.N      → InvalidInstanceName.Malformed, InvalidHostName.Malformed,
//	                                           InvalidParameter.Conflict (HostName and HostNames.N),
//	                                           InvalidParameter (HostNames.N count is not Amount)
//	Password                                 → InvalidPassword.Malformed
//	KeyPairName on a Windows image           → DependencyViolation.WindowsInstance
//	KeyPairName not the account's here       → InvalidKeyPairName.NotFound
//	ResourceGroupId not the account's        → InvalidResourceGroup.NotFound
//	HttpEndpoint, HttpTokens, hop limit      → InvalidHttpEndpoint.NotSupported, InvalidHttpTokens.NotSupported,
//	                                           InvalidHttpPutResponseHopLimit.NotSupported
func planIdentity(ctx context.Context, env *rpc.Env, req *RunInstancesRequest, img *catalog.Image, amount int) (*identityPlan, error) {
	ip := &identityPlan{password: req.Password, keyPair: req.KeyPairName}
	var err error
	if ip.names, err = sequentialNames("InstanceName", req.InstanceName, amount, req.UniqueSuffix, checkInstanceName, apierr.InvalidInstanceNameMalformed); err != nil {
		return nil, err
	}
	checkHost := func(h string) error {
		return checkHostName(strings.ReplaceAll(h, instanceIDPlaceholder, "i-"+strings.Repeat("x", 20)), img)
	}
	switch {
	case len(req.HostNames) > 0 && req.HostName != "":
		return nil, apierr.InvalidParameterConflict.Newf("Give HostName or HostNames.N, not both.")
	case len(req.HostNames) > 0:
		if len(req.HostNames) != amount {
			return nil, apierr.InvalidParameter.Newf("The specified parameter HostNames is not valid: give one host name per instance (%d for Amount %d).", len(req.HostNames), amount)
		}
		for _, h := range req.HostNames {
			if err := checkHost(h); err != nil {
				return nil, err
			}
		}
		ip.hosts = req.HostNames
	default:
		if ip.hosts, err = sequentialNames("HostName", req.HostName, amount, req.UniqueSuffix, checkHost, apierr.InvalidHostNameMalformed); err != nil {
			return nil, err
		}
	}
	if req.Password != "" {
		if err := checkPassword(req.Password, img); err != nil {
			return nil, err
		}
	}
	if req.KeyPairName != "" {
		if img.OSType == "windows" {
			return nil, apierr.DependencyViolationWindowsInstance.Newf("The image %s runs Windows, which does not log in with an SSH key pair: give Password instead of KeyPairName.", img.ImageId)
		}
		if _, err := ownKeyPair(ctx, env.Tx.Q, env.Caller.AccountID, req.RegionId, req.KeyPairName); err != nil {
			return nil, err
		}
	}
	if ip.resourceGroup, err = resourceGroupOf(ctx, env.Tx, env.Caller.AccountID, req.ResourceGroupId, env.Now); err != nil {
		return nil, err
	}
	if ip.metadata, err = metadataOptions(store.MetadataOptions{HttpEndpoint: "enabled", HttpTokens: "optional", HopLimit: 1},
		req.HttpEndpoint, req.HttpTokens, req.HttpPutResponseHopLimit); err != nil {
		return nil, err
	}
	return ip, nil
}

// metadataOptions checks metadata options over the current ones ("" and
// nil keep them).
func metadataOptions(cur store.MetadataOptions, endpoint, tokens string, hops *int) (store.MetadataOptions, error) {
	switch endpoint {
	case "":
	case "enabled", "disabled":
		cur.HttpEndpoint = endpoint
	default:
		return cur, apierr.InvalidHttpEndpointNotSupported.Newf("The specified HttpEndpoint %q is not supported; use enabled (the default) or disabled.", endpoint)
	}
	switch tokens {
	case "":
	case "optional", "required":
		cur.HttpTokens = tokens
	default:
		return cur, apierr.InvalidHttpTokensNotSupported.Newf("The specified HttpTokens %q is not supported; use optional (the default) or required.", tokens)
	}
	if hops != nil {
		if *hops < 1 || *hops > 64 {
			return cur, apierr.InvalidHttpPutResponseHopLimitNotSupported.Newf("The specified HttpPutResponseHopLimit %d is not supported; use 1 to 64.", *hops)
		}
		cur.HopLimit = *hops
	}
	return cur, nil
}

// sequentialForm is name_prefix[begin_number,bits]name_suffix; either
// number may be left out ("web-[]", "web-[,3]").
var sequentialForm = regexp.MustCompile(`^([^\[\]]+)\[(\d*)(?:,(\d*))?\]([^\[\]]*)$`)

// Limits of the sequential form (help.aliyun.com, "Batch set sequential
// instance names or hostnames"): begin_number 0 to 999999 (default 0),
// bits 1 to 6 (default 6; 6 too when begin_number has more digits).
const (
	maxSequence = 999999
	maxBits     = 6
)

// sequentialNames returns the name of each of amount instances given name,
// each checked by check: name_prefix[begin_number,bits]name_suffix counts
// up from begin_number in bits digits; otherwise, with UniqueSuffix and
// more than one instance, each name gets a suffix 001, 002, … (as ECS,
// UniqueSuffix does not apply to the sequential form without a suffix); else
// every instance gets name. An empty name gives "" for each. A sequential
// form out of its limits is malformed (the parameter's code).
func sequentialNames(param, name string, amount int, uniqueSuffix bool, check func(string) error, malformed *apierr.Def) ([]string, error) {
	out := make([]string, amount)
	if name == "" {
		return out, nil
	}
	prefix, suffix, begin, bits := name, "", 0, 0
	m := sequentialForm.FindStringSubmatch(name)
	if m != nil {
		prefix, suffix, bits = m[1], m[4], maxBits
		if m[2] != "" {
			begin, _ = strconv.Atoi(m[2])
		}
		if m[3] != "" {
			bits, _ = strconv.Atoi(m[3])
		}
		if len(m[2]) > maxBits || bits < 1 || bits > maxBits || begin+amount-1 > maxSequence {
			return nil, malformed.Newf("The specified parameter \"%s\" is not valid: %q; in name_prefix[begin_number,bits]name_suffix use bits 1 to 6 and numbers up to %d (the last of %d instances).", param, name, maxSequence, amount)
		}
		if len(strconv.Itoa(begin)) > bits {
			bits = maxBits
		}
	}
	for k := range out {
		n := prefix
		if m != nil {
			n += fmt.Sprintf("%0*d", bits, begin+k) + suffix
		}
		if uniqueSuffix && amount > 1 && (m == nil || suffix != "") {
			n += fmt.Sprintf("%03d", k+1)
		}
		if err := check(n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, nil
}

// newSerialNumber is a random (version 4) UUID, as ECS reports an
// instance's SerialNumber.
func newSerialNumber() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
