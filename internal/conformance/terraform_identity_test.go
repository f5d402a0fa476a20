package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// tiConfig is an imported key pair and a pay-as-you-go instance that logs
// in with it and a password, with its metadata options: what the provider
// sends for key_name, password and http_tokens.
func tiConfig(endpoint, keyID, secret, tokens string) string {
	return tfProviderBlock(endpoint, keyID, secret) + fmt.Sprintf(`resource "alicloud_ecs_key_pair" "kp" {
  key_pair_name = "tf-key"
  public_key    = %q
}

resource "alicloud_instance" "web" {
  availability_zone           = "cn-hangzhou-h"
  image_id                    = "aliyun_3_x64_20G_alibase_20240528.vhd"
  instance_type               = "ecs.g6.large"
  instance_name               = "tf-web"
  host_name                   = "tf-host"
  key_name                    = alicloud_ecs_key_pair.kp.key_pair_name
  password                    = "Tf-Secret1!"
  http_tokens                 = %q
  http_put_response_hop_limit = 2
  system_disk_category        = "cloud_essd"
  instance_charge_type        = "PostPaid"
}

output "id" {
  value = alicloud_instance.web.id
}
`, kpRSA, tokens)
}

// TestTerraformIdentity runs alicloud_ecs_key_pair and an alicloud_instance
// with key_name, password, host_name and metadata options through the real
// CLI and provider on each store: create, an empty plan, a change of
// http_tokens (ModifyInstanceMetadataOptions), an empty plan, destroy. No
// call is refused, and ecsd holds what the configuration says.
func TestTerraformIdentity(t *testing.T) {
	t.Parallel()
	tfNewCLI(t) // fails in CI, skips elsewhere, when the CLI is missing
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		cli := tfNewCLI(t)
		a := lcAccount(t, s, "tf-identity", "1000.00", "0.00")
		wire := tfStartWire(t, s.URL)
		write := func(tokens string) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(cli.dir, "main.tf"), []byte(tiConfig(wire.addr, a.keyID, a.secr, tokens)), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		check := func(id, tokens string) {
			t.Helper()
			i := iaDescribe(t, a, id)
			m := i.MetadataOptions
			if dara.StringValue(i.KeyPairName) != "tf-key" || dara.StringValue(i.HostName) != "tf-host" || dara.StringValue(m.HttpTokens) != tokens ||
				dara.Int32Value(m.HttpPutResponseHopLimit) != 2 || !strings.HasPrefix(dara.StringValue(i.ResourceGroupId), "rg-") {
				t.Errorf("%s: key pair %q, host %q, metadata %v, group %q", id, dara.StringValue(i.KeyPairName), dara.StringValue(i.HostName), m, dara.StringValue(i.ResourceGroupId))
			}
		}

		write("required")
		cli.init()
		cli.apply("create")
		tfCheckCalls(t, "create", wire.take())
		id := cli.id()
		check(id, "required")
		cli.planEmpty("after create")
		tfCheckCalls(t, "plan", wire.take())

		write("optional")
		cli.apply("http_tokens")
		calls := wire.take()
		tfCheckCalls(t, "http_tokens", calls)
		if len(tfFind(calls, "ModifyInstanceMetadataOptions")) == 0 {
			t.Errorf("the change of http_tokens called no ModifyInstanceMetadataOptions; calls: %s", tfActions(calls))
		}
		check(id, "optional")
		cli.planEmpty("after the change")
		tfCheckCalls(t, "plan", wire.take())

		if code, out := cli.run("destroy", "-auto-approve"); code != 0 {
			t.Fatalf("destroy: exit %d\n%s", code, out)
		}
		tfCheckCalls(t, "destroy", wire.take())
		keys, err := a.v2.DescribeKeyPairs(&ecs2.DescribeKeyPairsRequest{RegionId: dara.String("cn-hangzhou")})
		if err != nil || dara.Int32Value(keys.Body.TotalCount) != 0 {
			t.Errorf("key pairs after destroy: %v %v", err, keys)
		}
	})
}
