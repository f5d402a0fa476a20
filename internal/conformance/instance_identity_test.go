package conformance

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The identity tests' helpers are named id….

// idRun buys PostPaid ecs.g6.large instances in cn-hangzhou-h through Go SDK
// v2, with edit's parameters.
func idRun(a *lcActor, edit func(*ecs2.RunInstancesRequest)) ([]string, error) {
	r := &ecs2.RunInstancesRequest{RegionId: dara.String("cn-hangzhou"), ZoneId: dara.String("cn-hangzhou-h"),
		ImageId: dara.String(lcImage), InstanceType: dara.String("ecs.g6.large")}
	edit(r)
	resp, err := a.v2.RunInstances(r)
	if err != nil {
		return nil, err
	}
	return dara.StringSliceValue(resp.Body.InstanceIdSets.InstanceIdSet), nil
}

func idMustRun(t *testing.T, a *lcActor, edit func(*ecs2.RunInstancesRequest)) []string {
	t.Helper()
	ids, err := idRun(a, edit)
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	return ids
}

// idNames is each instance's InstanceName and HostName, in the order of ids.
func idNames(t *testing.T, a *lcActor, ids []string) (names, hosts []string) {
	t.Helper()
	for _, id := range ids {
		i := iaDescribe(t, a, id)
		names, hosts = append(names, dara.StringValue(i.InstanceName)), append(hosts, dara.StringValue(i.HostName))
	}
	return names, hosts
}

func idSame(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// TestRunInstancesNames buys instances with sequential names, unique
// suffixes and one host name each through Go SDK v2, reads the names back
// through DescribeInstances and DescribeInstanceAttribute, and checks each
// malformed form's code, on each store.
func TestRunInstancesNames(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "names", "10000.00", "0.00")

		// name_prefix[begin_number,bits]name_suffix counts up per instance.
		ids := idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.Amount, r.InstanceName, r.HostName = dara.Int32(2), dara.String("web-[1,3]"), dara.String("node[7,2]-x")
		})
		if names, hosts := idNames(t, a, ids); !idSame(names, []string{"web-001", "web-002"}) || !idSame(hosts, []string{"node07-x", "node08-x"}) {
			t.Errorf("sequential names: %v %v, want web-001 web-002, node07-x node08-x", names, hosts)
		}
		attr, err := a.v2.DescribeInstanceAttribute(&ecs2.DescribeInstanceAttributeRequest{InstanceId: dara.String(ids[1])})
		if err != nil || dara.StringValue(attr.Body.InstanceName) != "web-002" || dara.StringValue(attr.Body.HostName) != "node08-x" {
			t.Errorf("DescribeInstanceAttribute: %v %v", err, attr)
		}
		// Without numbers: from 0 in 6 digits; a begin_number longer than
		// bits takes 6 digits.
		ids = idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.Amount, r.InstanceName, r.HostName = dara.Int32(2), dara.String("db[]"), dara.String("db[1234,2]")
		})
		if names, hosts := idNames(t, a, ids); !idSame(names, []string{"db000000", "db000001"}) || !idSame(hosts, []string{"db001234", "db001235"}) {
			t.Errorf("default digits: %v %v", names, hosts)
		}
		// UniqueSuffix appends 001, 002, … to plain names, and to the
		// sequential form only when it has a suffix.
		ids = idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.Amount, r.InstanceName, r.HostName, r.UniqueSuffix = dara.Int32(2), dara.String("app"), dara.String("k8s-[1,1]-n"), dara.Bool(true)
		})
		if names, hosts := idNames(t, a, ids); !idSame(names, []string{"app001", "app002"}) || !idSame(hosts, []string{"k8s-1-n001", "k8s-2-n002"}) {
			t.Errorf("UniqueSuffix: %v %v", names, hosts)
		}
		ids = idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.Amount, r.InstanceName, r.UniqueSuffix = dara.Int32(2), dara.String("seq-[5,2]"), dara.Bool(true)
		})
		if names, _ := idNames(t, a, ids); !idSame(names, []string{"seq-05", "seq-06"}) {
			t.Errorf("UniqueSuffix on a sequential name without suffix: %v", names)
		}
		// One instance: UniqueSuffix adds nothing.
		ids = idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.InstanceName, r.UniqueSuffix = dara.String("single"), dara.Bool(true)
		})
		if names, _ := idNames(t, a, ids); !idSame(names, []string{"single"}) {
			t.Errorf("UniqueSuffix on one instance: %v", names)
		}
		// HostNames.N: one per instance; ${instance_id} stands for the id.
		ids = idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.Amount, r.HostNames = dara.Int32(2), dara.StringSlice([]string{"h-one", "k8s-${instance_id}"})
		})
		if _, hosts := idNames(t, a, ids); !idSame(hosts, []string{"h-one", "k8s-" + ids[1]}) {
			t.Errorf("HostNames: %v", hosts)
		}
		// Defaults: the id, and iZ<id>Z.
		ids = idMustRun(t, a, func(*ecs2.RunInstancesRequest) {})
		if names, hosts := idNames(t, a, ids); names[0] != ids[0] || hosts[0] != "iZ"+ids[0][2:]+"Z" {
			t.Errorf("default names: %v %v", names, hosts)
		}

		for _, c := range []struct {
			what   string
			edit   func(*ecs2.RunInstancesRequest)
			code   string
			status int
		}{
			{"bits over 6", func(r *ecs2.RunInstancesRequest) { r.InstanceName = dara.String("web-[1,7]") }, "InvalidInstanceName.Malformed", 400},
			{"numbers past 999999", func(r *ecs2.RunInstancesRequest) {
				r.Amount, r.HostName = dara.Int32(2), dara.String("h[999999,6]")
			}, "InvalidHostName.Malformed", 400},
			{"a name made invalid by its number", func(r *ecs2.RunInstancesRequest) { r.InstanceName = dara.String("w[1,2]" + strings.Repeat("x", 126)) }, "InvalidInstanceName.Malformed", 400},
			{"no prefix", func(r *ecs2.RunInstancesRequest) { r.InstanceName = dara.String("[1,2]web") }, "InvalidInstanceName.Malformed", 400},
			{"HostNames not one per instance", func(r *ecs2.RunInstancesRequest) {
				r.Amount, r.HostNames = dara.Int32(2), dara.StringSlice([]string{"only-one"})
			}, "InvalidParameter", 400},
			{"HostName and HostNames", func(r *ecs2.RunInstancesRequest) {
				r.HostName, r.HostNames = dara.String("a-host"), dara.StringSlice([]string{"b-host"})
			}, "InvalidParameter.Conflict", 400},
			{"a malformed HostNames.N", func(r *ecs2.RunInstancesRequest) { r.HostNames = dara.StringSlice([]string{"bad..host"}) }, "InvalidHostName.Malformed", 400},
		} {
			_, err := idRun(a, c.edit)
			lcWantV2(t, c.what, err, c.code, c.status)
		}
	})
}

var idUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRunInstancesIdentity checks, through Go SDK v2 on each store: the
// password is kept only as a hash; each instance has its own serial
// number; instances join the account's default resource group or the one
// named, and DescribeInstances filters by it; the metadata options are
// stored, answered, filtered and changed by ModifyInstanceMetadataOptions.
func TestRunInstancesIdentity(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "identity", "10000.00", "0.00")
		other := lcAccount(t, s, "identity-other", "10000.00", "0.00")

		// The password: checked, kept as a hash, answered nowhere.
		ids := idMustRun(t, a, func(r *ecs2.RunInstancesRequest) { r.Amount, r.Password = dara.Int32(2), dara.String("Ab3!secret") })
		for _, id := range ids {
			stored, err := s.Server.Store.InstanceGetByID(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if stored.PasswordHash == "" || strings.Contains(stored.PasswordHash, "secret") {
				t.Errorf("%s: the password is kept as %q, want a hash", id, stored.PasswordHash)
			}
		}
		resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(ids...)})
		if err != nil || strings.Contains(resp.Body.String(), "Ab3!secret") {
			t.Errorf("DescribeInstances shows the password (%v)", err)
		}
		_, err = idRun(a, func(r *ecs2.RunInstancesRequest) { r.Password = dara.String("abcdefgh") })
		lcWantV2(t, "a password of one kind of character", err, "InvalidPassword.Malformed", 400)
		_, err = idRun(a, func(r *ecs2.RunInstancesRequest) { r.PasswordInherit = dara.Bool(true) })
		lcWantV2(t, "PasswordInherit", err, "InvalidParameter", 400)

		// Serial numbers: a UUID each, not the id.
		first, second := iaDescribe(t, a, ids[0]), iaDescribe(t, a, ids[1])
		if sn := dara.StringValue(first.SerialNumber); !idUUID.MatchString(sn) || sn == dara.StringValue(second.SerialNumber) {
			t.Errorf("SerialNumber %q and %q: want two different UUIDs", sn, dara.StringValue(second.SerialNumber))
		}

		// Resource groups: the default one, made on first need.
		rg := dara.StringValue(first.ResourceGroupId)
		if !strings.HasPrefix(rg, "rg-") || dara.StringValue(second.ResourceGroupId) != rg {
			t.Errorf("ResourceGroupId %q and %q: want the account's default group", rg, dara.StringValue(second.ResourceGroupId))
		}
		named := idMustRun(t, a, func(r *ecs2.RunInstancesRequest) { r.ResourceGroupId = dara.String(rg) })
		if got := dara.StringValue(iaDescribe(t, a, named[0]).ResourceGroupId); got != rg {
			t.Errorf("ResourceGroupId %q, want %q", got, rg)
		}
		otherIDs := idMustRun(t, other, func(*ecs2.RunInstancesRequest) {})
		otherRG := dara.StringValue(iaDescribe(t, other, otherIDs[0]).ResourceGroupId)
		if otherRG == rg || !strings.HasPrefix(otherRG, "rg-") {
			t.Errorf("the other account's default group %q (first account's %q)", otherRG, rg)
		}
		_, err = idRun(a, func(r *ecs2.RunInstancesRequest) { r.ResourceGroupId = dara.String(otherRG) })
		lcWantV2(t, "another account's resource group", err, "InvalidResourceGroup.NotFound", 404)
		_, err = idRun(a, func(r *ecs2.RunInstancesRequest) { r.ResourceGroupId = dara.String("rg-nosuchgroup") })
		lcWantV2(t, "an unknown resource group", err, "InvalidResourceGroup.NotFound", 404)
		if got := dfInstances(t, a, func(r *ecs2.DescribeInstancesRequest) { r.ResourceGroupId = dara.String(rg) }); len(got) != 3 {
			t.Errorf("DescribeInstances ResourceGroupId=%s: %v, want the 3 instances", rg, got)
		}
		if got := dfInstances(t, a, func(r *ecs2.DescribeInstancesRequest) { r.ResourceGroupId = dara.String(otherRG) }); len(got) != 0 {
			t.Errorf("DescribeInstances ResourceGroupId of another account: %v, want none", got)
		}

		// Metadata options: defaults, then as given.
		if m := first.MetadataOptions; m == nil || dara.StringValue(m.HttpEndpoint) != "enabled" || dara.StringValue(m.HttpTokens) != "optional" || dara.Int32Value(m.HttpPutResponseHopLimit) != 1 {
			t.Errorf("default MetadataOptions: %v", m)
		}
		strict := idMustRun(t, a, func(r *ecs2.RunInstancesRequest) {
			r.HttpEndpoint, r.HttpTokens, r.HttpPutResponseHopLimit = dara.String("enabled"), dara.String("required"), dara.Int32(3)
		})[0]
		if m := iaDescribe(t, a, strict).MetadataOptions; dara.StringValue(m.HttpTokens) != "required" || dara.Int32Value(m.HttpPutResponseHopLimit) != 3 {
			t.Errorf("MetadataOptions as bought: %v", m)
		}
		if got := dfInstances(t, a, func(r *ecs2.DescribeInstancesRequest) { r.HttpTokens = dara.String("required") }); !idSame(got, []string{strict}) {
			t.Errorf("DescribeInstances HttpTokens=required: %v, want [%s]", got, strict)
		}
		if got := dfInstances(t, a, func(r *ecs2.DescribeInstancesRequest) { r.HttpPutResponseHopLimit = dara.Int32(3) }); !idSame(got, []string{strict}) {
			t.Errorf("DescribeInstances HttpPutResponseHopLimit=3: %v, want [%s]", got, strict)
		}
		_, err = a.v2.ModifyInstanceMetadataOptions(&ecs2.ModifyInstanceMetadataOptionsRequest{InstanceId: dara.String(strict), HttpEndpoint: dara.String("disabled")})
		if err != nil {
			t.Fatalf("ModifyInstanceMetadataOptions: %v", err)
		}
		if m := iaDescribe(t, a, strict).MetadataOptions; dara.StringValue(m.HttpEndpoint) != "disabled" || dara.StringValue(m.HttpTokens) != "required" || dara.Int32Value(m.HttpPutResponseHopLimit) != 3 {
			t.Errorf("MetadataOptions after the change: %v (the options not given stay)", m)
		}
		if got := dfInstances(t, a, func(r *ecs2.DescribeInstancesRequest) { r.HttpEndpoint = dara.String("disabled") }); !idSame(got, []string{strict}) {
			t.Errorf("DescribeInstances HttpEndpoint=disabled: %v, want [%s]", got, strict)
		}
		for _, c := range []struct {
			what string
			edit func(*ecs2.RunInstancesRequest)
			code string
		}{
			{"HttpEndpoint", func(r *ecs2.RunInstancesRequest) { r.HttpEndpoint = dara.String("on") }, "InvalidHttpEndpoint.NotSupported"},
			{"HttpTokens", func(r *ecs2.RunInstancesRequest) { r.HttpTokens = dara.String("always") }, "InvalidHttpTokens.NotSupported"},
			{"HttpPutResponseHopLimit", func(r *ecs2.RunInstancesRequest) { r.HttpPutResponseHopLimit = dara.Int32(65) }, "InvalidHttpPutResponseHopLimit.NotSupported"},
		} {
			_, err := idRun(a, c.edit)
			lcWantV2(t, "RunInstances with a bad "+c.what, err, c.code, 400)
		}
		_, err = a.v2.ModifyInstanceMetadataOptions(&ecs2.ModifyInstanceMetadataOptionsRequest{InstanceId: dara.String(strict), HttpPutResponseHopLimit: dara.Int32(0)})
		lcWantV2(t, "ModifyInstanceMetadataOptions with hop limit 0", err, "InvalidHttpPutResponseHopLimit.NotSupported", 400)
		_, err = a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), HttpTokens: dara.String("sometimes")})
		lcWantV2(t, "DescribeInstances with a bad HttpTokens", err, "InvalidHttpTokens.NotSupported", 400)
		_, err = other.v2.ModifyInstanceMetadataOptions(&ecs2.ModifyInstanceMetadataOptionsRequest{InstanceId: dara.String(strict), HttpTokens: dara.String("optional")})
		lcWantV2(t, "ModifyInstanceMetadataOptions on another account's instance", err, "InvalidInstanceId.NotFound", 404)
	})
}

// TestDefaultResourceGroupOnce makes an account's first resources
// concurrently (instances and key pairs, each call able to make the
// default resource group): they all join one group, on each store.
func TestDefaultResourceGroupOnce(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "first-group", "10000.00", "0.00")
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for n := range 8 {
			c := a.fork(t)
			wg.Go(func() {
				var err error
				if n%2 == 0 {
					_, err = idRun(c, func(*ecs2.RunInstancesRequest) {})
				} else {
					_, err = kpImport(c, "cn-hangzhou", "first-"+strconv.Itoa(n), kpRSA)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("a first call: %v", err)
			}
		}
		groups := map[string]int{}
		resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou")})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range resp.Body.Instances.Instance {
			groups[dara.StringValue(i.ResourceGroupId)]++
		}
		keys, err := a.v2.DescribeKeyPairs(&ecs2.DescribeKeyPairsRequest{RegionId: dara.String("cn-hangzhou")})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys.Body.KeyPairs.KeyPair {
			groups[dara.StringValue(k.ResourceGroupId)]++
		}
		if len(groups) != 1 {
			t.Errorf("the first resources are in %d groups, want one: %v", len(groups), groups)
		}
		for g, n := range groups {
			if !strings.HasPrefix(g, "rg-") || n != 8 {
				t.Errorf("group %q holds %d resources, want 8", g, n)
			}
		}
	})
}
