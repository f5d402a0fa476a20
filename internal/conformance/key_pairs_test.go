package conformance

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The key pair tests' helpers are named kp….

// kpRSA is an OpenSSH public key made by ssh-keygen, with the MD5
// fingerprint ssh-keygen -l -E md5 gives for it.
const (
	kpRSA         = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCV0tM8BoIrjxag/cQUquV2G8zC9BK3ZbkI6a/oN01G6t3hh1JuL6h5J92soYOQ83fmItO5STOKBBJ3MdBaghdtanxAFVTIkTo1N3NZC4t5MzLNOxJJ5ug/fC7jTr/h23qnnKDZkSQubsYuT9NFrQ+73+FxN9EmthhadV9JBZg2ZUQJ2Mm8nr97Q852Bo5Esulun2Ef3sk/Th/BnZR+yNMLLccQGnDlgu0aWGjabVkNHZmznq0xkylY9uB/zjuBSu/Cjr3vs0DJd4P5IXZ1l3DIoH2CoHLRmxPWeKxgHFDhhnIWQyTqmty0QaSaUx4BJVMR3aPct2MdrmnyN9kMueXT user@host"
	kpRSAFinger   = "8c:72:a7:8f:ab:e6:e4:3f:f8:d6:41:a3:6c:d9:5b:0d"
	kpECDSA       = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNsm+8ZOYtcPw1PLfSTBDmRuGc118N4GTiylrrk+TfY8Nva5H1Jar76VQmgdEHk3AwqMSmGfYDYuzAm1iaDIR0A= root@vm"
	kpECDSAFinger = "75:75:df:8b:34:99:c3:45:cc:8f:0e:a8:11:ff:f2:73"
	kpEd25519     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBpk8FfokH4jIlsx4xFoPWvMZUqf7lT1dG8Hke1WtvzC root@vm"
)

func kpImport(a *lcActor, region, name, body string) (*ecs2.ImportKeyPairResponse, error) {
	return a.v2.ImportKeyPair(&ecs2.ImportKeyPairRequest{RegionId: dara.String(region), KeyPairName: dara.String(name), PublicKeyBody: dara.String(body)})
}

// kpList is DescribeKeyPairs in cn-hangzhou with edit's filters: the names
// and the total count.
func kpList(t *testing.T, a *lcActor, edit func(*ecs2.DescribeKeyPairsRequest)) ([]string, int) {
	t.Helper()
	r := &ecs2.DescribeKeyPairsRequest{RegionId: dara.String("cn-hangzhou")}
	edit(r)
	resp, err := a.v2.DescribeKeyPairs(r)
	if err != nil {
		t.Fatalf("DescribeKeyPairs: %v", err)
	}
	var names []string
	for _, k := range resp.Body.KeyPairs.KeyPair {
		names = append(names, dara.StringValue(k.KeyPairName))
	}
	return names, int(dara.Int32Value(resp.Body.TotalCount))
}

// TestKeyPairs creates, imports, lists and deletes key pairs through Go SDK
// v2, uses one in RunInstances and reads it back from DescribeInstances,
// and checks each documented error, on each store.
func TestKeyPairs(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "keys", "10000.00", "0.00")
		other := lcAccount(t, s, "keys-other", "10000.00", "0.00")

		// CreateKeyPair: an RSA private key in PKCS#8 PEM, whose public half
		// DescribeKeyPairs answers, with its MD5 fingerprint.
		created, err := a.v2.CreateKeyPair(&ecs2.CreateKeyPairRequest{RegionId: dara.String("cn-hangzhou"), KeyPairName: dara.String("kp-web")})
		if err != nil {
			t.Fatalf("CreateKeyPair: %v", err)
		}
		block, _ := pem.Decode([]byte(dara.StringValue(created.Body.PrivateKeyBody)))
		if block == nil || block.Type != "PRIVATE KEY" {
			t.Fatalf("PrivateKeyBody is not a PKCS#8 PEM block: %q", dara.StringValue(created.Body.PrivateKeyBody))
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatalf("PrivateKeyBody: %v", err)
		}
		private, ok := key.(*rsa.PrivateKey)
		if !ok || private.N.BitLen() != 2048 || !strings.HasPrefix(dara.StringValue(created.Body.KeyPairId), "skp-") || dara.StringValue(created.Body.KeyPairName) != "kp-web" {
			t.Fatalf("CreateKeyPair answered %T (%d bits), id %s", key, private.N.BitLen(), dara.StringValue(created.Body.KeyPairId))
		}
		listed, err := a.v2.DescribeKeyPairs(&ecs2.DescribeKeyPairsRequest{RegionId: dara.String("cn-hangzhou"), KeyPairName: dara.String("kp-web"), IncludePublicKey: dara.Bool(true)})
		if err != nil || len(listed.Body.KeyPairs.KeyPair) != 1 {
			t.Fatalf("DescribeKeyPairs kp-web: %v %v", err, listed)
		}
		kp := listed.Body.KeyPairs.KeyPair[0]
		fields := strings.Fields(dara.StringValue(kp.PublicKey))
		blob, _ := base64.StdEncoding.DecodeString(fields[len(fields)-1])
		sum := md5.Sum(blob)
		finger := strings.TrimSuffix(strings.NewReplacer(" ", ":").Replace(fmt.Sprintf("% x", sum[:])), ":")
		if fields[0] != "ssh-rsa" || !strings.Contains(string(blob), string(private.N.Bytes())) ||
			dara.StringValue(kp.KeyPairFingerPrint) != finger || dara.StringValue(created.Body.KeyPairFingerPrint) != finger {
			t.Errorf("the public key %q does not match the private key, or fingerprint %s / %s is not its MD5 %s", dara.StringValue(kp.PublicKey),
				dara.StringValue(kp.KeyPairFingerPrint), dara.StringValue(created.Body.KeyPairFingerPrint), finger)
		}
		if !strings.HasPrefix(dara.StringValue(kp.ResourceGroupId), "rg-") || dara.StringValue(kp.CreationTime) == "" {
			t.Errorf("key pair ResourceGroupId %q CreationTime %q", dara.StringValue(kp.ResourceGroupId), dara.StringValue(kp.CreationTime))
		}
		// The private key is told once, and never logged.
		calls, r := listCalls(t, s, url.Values{"AccountId": {a.ID}, "Action": {"CreateKeyPair"}})
		if r.Status != 200 || len(calls.Calls) != 1 || strings.Contains(r.Raw, "PRIVATE KEY") {
			t.Errorf("the call log of CreateKeyPair (%d calls) shows the private key or is missing: %s", len(calls.Calls), r.Raw)
		}

		// ImportKeyPair: the fingerprint ssh-keygen gives.
		for _, c := range []struct{ name, body, finger string }{{"imported-rsa", kpRSA, kpRSAFinger}, {"imported-ecdsa", kpECDSA, kpECDSAFinger}} {
			imp, err := kpImport(a, "cn-hangzhou", c.name, c.body)
			if err != nil || dara.StringValue(imp.Body.KeyPairFingerPrint) != c.finger || dara.StringValue(imp.Body.KeyPairName) != c.name {
				t.Errorf("ImportKeyPair %s: %v %v, want fingerprint %s", c.name, err, imp, c.finger)
			}
		}
		_, err = kpImport(a, "cn-hangzhou", "kp-web", kpRSA)
		lcWantV2(t, "a second kp-web", err, "KeyPair.AlreadyExist", 400)
		_, err = a.v2.CreateKeyPair(&ecs2.CreateKeyPairRequest{RegionId: dara.String("cn-hangzhou"), KeyPairName: dara.String("imported-rsa")})
		lcWantV2(t, "CreateKeyPair of a taken name", err, "KeyPair.AlreadyExist", 400)
		for _, c := range []struct{ what, name, body, code string }{
			{"a name starting with a digit", "1key", kpRSA, "InvalidKeyPairName.Malformed"},
			{"a name with a space", "my key", kpRSA, "InvalidKeyPairName.Malformed"},
			{"a name starting with http://", "http://key", kpRSA, "InvalidKeyPairName.Malformed"},
			{"a body that is no key", "bad-body", "not a key", "InvalidPublicKeyBody.Malformed"},
			{"a key type not listed", "bad-type", kpEd25519, "InvalidPublicKeyBody.Malformed"},
			{"a body whose type and data differ", "bad-mix", "ssh-rsa " + strings.Fields(kpECDSA)[1], "InvalidPublicKeyBody.Malformed"},
		} {
			_, err := kpImport(a, "cn-hangzhou", c.name, c.body)
			lcWantV2(t, "ImportKeyPair with "+c.what, err, c.code, 400)
		}
		_, err = a.v2.ImportKeyPair(&ecs2.ImportKeyPairRequest{RegionId: dara.String("cn-hangzhou"), KeyPairName: dara.String("grouped"), PublicKeyBody: dara.String(kpRSA),
			ResourceGroupId: dara.String("rg-nosuchgroup")})
		lcWantV2(t, "ImportKeyPair into an unknown resource group", err, "InvalidResourceGroup.NotFound", 404)
		_, err = a.v2.CreateKeyPair(&ecs2.CreateKeyPairRequest{RegionId: dara.String("cn-hangzhou"), KeyPairName: dara.String("tagged"),
			Tag: []*ecs2.CreateKeyPairRequestTag{{Key: dara.String("k"), Value: dara.String("v")}}})
		lcWantV2(t, "CreateKeyPair with tags", err, "InvalidParameter", 400)

		// DescribeKeyPairs: name wildcards, fingerprint, resource group,
		// paging.
		for pattern, want := range map[string]string{"": "kp-web,imported-rsa,imported-ecdsa", "imported-*": "imported-rsa,imported-ecdsa",
			"*-rsa": "imported-rsa", "*port*": "imported-rsa,imported-ecdsa", "kp-web": "kp-web", "kp-": ""} {
			if got, total := kpList(t, a, func(r *ecs2.DescribeKeyPairsRequest) { r.KeyPairName = dara.String(pattern) }); strings.Join(got, ",") != want || total != len(got) {
				t.Errorf("DescribeKeyPairs KeyPairName=%q: %v (total %d), want %s", pattern, got, total, want)
			}
		}
		if got, _ := kpList(t, a, func(r *ecs2.DescribeKeyPairsRequest) { r.KeyPairFingerPrint = dara.String(kpECDSAFinger) }); strings.Join(got, ",") != "imported-ecdsa" {
			t.Errorf("DescribeKeyPairs by fingerprint: %v", got)
		}
		if got, _ := kpList(t, a, func(r *ecs2.DescribeKeyPairsRequest) {
			r.ResourceGroupId = dara.String(dara.StringValue(kp.ResourceGroupId))
		}); len(got) != 3 {
			t.Errorf("DescribeKeyPairs in the default group: %v", got)
		}
		if got, _ := kpList(t, a, func(r *ecs2.DescribeKeyPairsRequest) { r.ResourceGroupId = dara.String("rg-nosuchgroup") }); len(got) != 0 {
			t.Errorf("DescribeKeyPairs in another group: %v", got)
		}
		if got, total := kpList(t, a, func(r *ecs2.DescribeKeyPairsRequest) { r.PageNumber, r.PageSize = dara.Int32(2), dara.Int32(2) }); strings.Join(got, ",") != "imported-ecdsa" || total != 3 {
			t.Errorf("DescribeKeyPairs page 2 of 2: %v (total %d)", got, total)
		}
		if got, _ := kpList(t, other, func(*ecs2.DescribeKeyPairsRequest) {}); len(got) != 0 {
			t.Errorf("another account sees key pairs %v", got)
		}
		_, err = a.v2.DescribeKeyPairs(&ecs2.DescribeKeyPairsRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(51)})
		lcWantV2(t, "DescribeKeyPairs PageSize 51", err, "InvalidParameter", 400)

		// RunInstances with a key pair; DescribeInstances answers and
		// filters it.
		ids := idMustRun(t, a, func(r *ecs2.RunInstancesRequest) { r.KeyPairName = dara.String("kp-web") })
		idMustRun(t, a, func(*ecs2.RunInstancesRequest) {})
		if got := dara.StringValue(iaDescribe(t, a, ids[0]).KeyPairName); got != "kp-web" {
			t.Errorf("DescribeInstances KeyPairName %q, want kp-web", got)
		}
		if got := dfInstances(t, a, func(r *ecs2.DescribeInstancesRequest) { r.KeyPairName = dara.String("kp-web") }); !idSame(got, dfSorted(ids...)) {
			t.Errorf("DescribeInstances KeyPairName=kp-web: %v, want %v", got, ids)
		}
		_, err = idRun(a, func(r *ecs2.RunInstancesRequest) { r.KeyPairName = dara.String("no-such-key") })
		lcWantV2(t, "RunInstances with an unknown key pair", err, "InvalidKeyPairName.NotFound", 404)
		_, err = idRun(other, func(r *ecs2.RunInstancesRequest) { r.KeyPairName = dara.String("kp-web") })
		lcWantV2(t, "RunInstances with another account's key pair", err, "InvalidKeyPairName.NotFound", 404)
		_, err = idRun(a, func(r *ecs2.RunInstancesRequest) {
			r.KeyPairName, r.ImageId = dara.String("kp-web"), dara.String("win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd")
		})
		lcWantV2(t, "RunInstances of Windows with a key pair", err, "DependencyViolation.WindowsInstance", 403)

		// DeleteKeyPairs: all or nothing; instances keep the name.
		_, err = a.v2.DeleteKeyPairs(&ecs2.DeleteKeyPairsRequest{RegionId: dara.String("cn-hangzhou"), KeyPairNames: ctIDs("kp-web", "no-such-key")})
		lcWantV2(t, "DeleteKeyPairs naming an unknown key pair", err, "InvalidKeyPairName.NotFound", 404)
		if got, _ := kpList(t, a, func(r *ecs2.DescribeKeyPairsRequest) { r.KeyPairName = dara.String("kp-web") }); len(got) != 1 {
			t.Errorf("kp-web after a failed DeleteKeyPairs: %v", got)
		}
		if _, err := a.v2.DeleteKeyPairs(&ecs2.DeleteKeyPairsRequest{RegionId: dara.String("cn-hangzhou"), KeyPairNames: ctIDs("kp-web", "imported-rsa")}); err != nil {
			t.Fatalf("DeleteKeyPairs: %v", err)
		}
		if got, _ := kpList(t, a, func(*ecs2.DescribeKeyPairsRequest) {}); strings.Join(got, ",") != "imported-ecdsa" {
			t.Errorf("key pairs after DeleteKeyPairs: %v", got)
		}
		if got := dara.StringValue(iaDescribe(t, a, ids[0]).KeyPairName); got != "kp-web" {
			t.Errorf("DescribeInstances KeyPairName after the key pair's deletion %q, want kp-web", got)
		}
		// The name is free again.
		if _, err := kpImport(a, "cn-hangzhou", "kp-web", kpRSA); err != nil {
			t.Errorf("ImportKeyPair of a deleted name: %v", err)
		}
	})
}

// TestKeyPairQuota fills a region's 500 key pairs concurrently through Go
// SDK v2 (the account row orders the counts), then sees the 501st refused;
// other regions are not affected. On each store.
func TestKeyPairQuota(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "key-quota", "10000.00", "0.00")
		var wg sync.WaitGroup
		errs := make(chan error, 500)
		for w := range 8 {
			c := a.fork(t)
			wg.Go(func() {
				for n := w; n < 500; n += 8 {
					if _, err := kpImport(c, "cn-shanghai", fmt.Sprintf("key-%03d", n), kpRSA); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("ImportKeyPair under the quota: %v", err)
		}
		_, err := kpImport(a, "cn-shanghai", "one-too-many", kpRSA)
		lcWantV2(t, "the 501st key pair", err, "QuotaExceed.KeyPair", 403)
		if _, err := kpImport(a, "cn-hangzhou", "elsewhere", kpRSA); err != nil {
			t.Errorf("ImportKeyPair in another region: %v", err)
		}
		resp, err := a.v2.DescribeKeyPairs(&ecs2.DescribeKeyPairsRequest{RegionId: dara.String("cn-shanghai"), PageSize: dara.Int32(50), PageNumber: dara.Int32(10)})
		if err != nil || dara.Int32Value(resp.Body.TotalCount) != 500 || len(resp.Body.KeyPairs.KeyPair) != 50 ||
			dara.StringValue(resp.Body.KeyPairs.KeyPair[49].KeyPairName) == "" {
			t.Errorf("DescribeKeyPairs last page: %v %v", err, resp)
		}
	})
}

// TestKeyPairsRAM authorizes key pair actions on
// acs:ecs:{region}:{account}:keypair/{name}: a RAM user allowed team-* key
// pairs (Go SDK v1) imports and deletes those and no others, on each store.
func TestKeyPairsRAM(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "keys-ram")
		main.createPolicy(t, "team-keys", ramAllow([]string{"ecs:ImportKeyPair", "ecs:DeleteKeyPairs", "ecs:DescribeKeyPairs"},
			"acs:ecs:cn-hangzhou:"+main.accountID+":keypair/team-*"))
		dev := main.user(t, "dev", "team-keys")
		imp := func(name string) error {
			r := ecs.CreateImportKeyPairRequest()
			r.RegionId, r.KeyPairName, r.PublicKeyBody = "cn-hangzhou", name, kpRSA
			_, err := dev.ecs.ImportKeyPair(r)
			return err
		}
		del := func(names ...string) error {
			r := ecs.CreateDeleteKeyPairsRequest()
			b, _ := json.Marshal(names)
			r.RegionId, r.KeyPairNames = "cn-hangzhou", string(b)
			_, err := dev.ecs.DeleteKeyPairs(r)
			return err
		}
		ramOK(t, "ImportKeyPair team-a", imp("team-a"))
		ramErr(t, "ImportKeyPair ops-a", imp("ops-a"), 403, "Forbidden.RAM")
		ramErr(t, "DeleteKeyPairs team-a and ops-a", del("team-a", "ops-a"), 403, "Forbidden.RAM")
		list := ecs.CreateDescribeKeyPairsRequest()
		list.RegionId, list.KeyPairName = "cn-hangzhou", "team-*"
		resp, err := dev.ecs.DescribeKeyPairs(list)
		ramOK(t, "DescribeKeyPairs team-*", err)
		if resp.TotalCount != 1 || resp.KeyPairs.KeyPair[0].KeyPairName != "team-a" {
			t.Errorf("DescribeKeyPairs team-*: %+v", resp.KeyPairs)
		}
		all := ecs.CreateDescribeKeyPairsRequest()
		all.RegionId = "cn-hangzhou"
		_, err = dev.ecs.DescribeKeyPairs(all)
		ramErr(t, "DescribeKeyPairs of every key pair", err, 403, "Forbidden.RAM")
		ramOK(t, "DeleteKeyPairs team-a", del("team-a"))
	})
}
