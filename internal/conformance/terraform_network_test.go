package conformance

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc2 "github.com/alibabacloud-go/vpc-20160428/v6/client"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The provider sends RevokeSecurityGroup and ModifySecurityGroupRule
// through a common request whose scheme is always HTTPS, whatever
// protocol the provider block says. nwStartDualWire is a recording proxy
// in front of ecsd that answers both HTTP and TLS on one port, with a
// certificate the CLI trusts through SSL_CERT_FILE.

// sniffConn is a connection whose first byte was read to tell TLS from HTTP.
type sniffConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *sniffConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// dualListener hands out TLS connections for clients that start with a
// TLS handshake (first byte 0x16) and plain ones for the rest.
type dualListener struct {
	net.Listener
	tls *tls.Config
}

func (l *dualListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	first, err := r.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	sc := &sniffConn{Conn: c, r: r}
	if err == nil && first[0] == 0x16 {
		return tls.Server(sc, l.tls), nil
	}
	return sc, nil
}

// nwSelfSigned returns a TLS certificate for 127.0.0.1 and the path of its
// PEM, for SSL_CERT_FILE.
func nwSelfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ecsd test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, path
}

// nwStartDualWire starts the CLI test's recording proxy and, in front of
// it, a port that takes both HTTP and TLS and hands the plain stream on. It
// returns the wire (whose addr is the front port) and the CA path.
func nwStartDualWire(t *testing.T, target string) (*tfWire, string) {
	t.Helper()
	w := tfStartWire(t, target)
	cert, caPath := nwSelfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	front := &dualListener{Listener: ln, tls: &tls.Config{Certificates: []tls.Certificate{cert}}}
	back := w.addr
	go func() {
		for {
			c, err := front.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b, err := net.Dial("tcp", back)
				if err != nil {
					return
				}
				defer b.Close()
				go func() { _, _ = io.Copy(b, c); _ = b.Close() }()
				_, _ = io.Copy(c, b)
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	w.addr = ln.Addr().String()
	return w, caPath
}

// nwCanonical is the provider's documented configuration for
// alicloud_instance: zones, instance types and images from data sources; a
// VPC, a vSwitch in the first zone, a security group with a rule, and a
// subscription instance in them.
func nwCanonical(endpoint, keyID, secret string, cores, memory int, port string) string {
	return tfProviderBlock(endpoint, keyID, secret) + fmt.Sprintf(`data "alicloud_zones" "default" {
  available_disk_category     = "cloud_essd"
  available_resource_creation = "VSwitch"
}

data "alicloud_instance_types" "default" {
  availability_zone = data.alicloud_zones.default.zones[0].id
  cpu_core_count    = %d
  memory_size       = %d
}

data "alicloud_images" "default" {
  name_regex = "^aliyun_3_x64"
  owners     = "system"
}

resource "alicloud_vpc" "vpc" {
  vpc_name   = "tf-vpc"
  cidr_block = "172.16.0.0/16"
}

resource "alicloud_vswitch" "vsw" {
  vpc_id       = alicloud_vpc.vpc.id
  cidr_block   = "172.16.0.0/24"
  zone_id      = data.alicloud_zones.default.zones[0].id
  vswitch_name = "tf-vsw"
}

resource "alicloud_security_group" "sg" {
  security_group_name = "tf-sg"
  vpc_id              = alicloud_vpc.vpc.id
}

resource "alicloud_security_group_rule" "ssh" {
  type              = "ingress"
  ip_protocol       = "tcp"
  nic_type          = "intranet"
  policy            = "accept"
  port_range        = %q
  priority          = 1
  security_group_id = alicloud_security_group.sg.id
  cidr_ip           = "0.0.0.0/0"
}

resource "alicloud_instance" "web" {
  availability_zone    = data.alicloud_zones.default.zones[0].id
  security_groups      = [alicloud_security_group.sg.id]
  instance_type        = data.alicloud_instance_types.default.instance_types[0].id
  image_id             = data.alicloud_images.default.images[0].id
  instance_name        = "tf-web"
  vswitch_id           = alicloud_vswitch.vsw.id
  system_disk_category = "cloud_essd"
  instance_charge_type = "PrePaid"
  period               = 1
  period_unit          = "Month"
  force_delete         = true
}

output "id" {
  value = alicloud_instance.web.id
}
`, cores, memory, port)
}

// TestTerraformNetwork runs the canonical configuration through the real
// CLI and provider on each store: apply, an empty plan, a change of the
// instance's type and of its security group rule, an empty plan, and a
// destroy after which the VPC, its vSwitch (whose deletion needs every
// address released), its group and the instance are gone.
func TestTerraformNetwork(t *testing.T) {
	t.Parallel()
	tfNewCLI(t) // fails in CI, skips elsewhere, when the CLI is missing
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		cli := tfNewCLI(t)
		a := lcAccount(t, s, "tf-network", "10000.00", "0.00")
		wire, ca := nwStartDualWire(t, s.URL)
		cli.env = append(cli.env, "SSL_CERT_FILE="+ca)
		write := func(cores, memory int, port string) {
			t.Helper()
			body := nwCanonical(wire.addr, a.keyID, a.secr, cores, memory, port)
			if err := os.WriteFile(filepath.Join(cli.dir, "main.tf"), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		vc := nwVPC(t, s, a.keyID, a.secr)
		rules := func(want string) {
			t.Helper()
			g, err := a.v2.DescribeSecurityGroups(&ecs2.DescribeSecurityGroupsRequest{RegionId: nwRegion, SecurityGroupName: dara.String("tf-sg")})
			if err != nil || len(g.Body.SecurityGroups.SecurityGroup) != 1 {
				t.Fatalf("tf-sg: %v %+v", err, g)
			}
			perms := nwRules(t, a.v2, dara.StringValue(g.Body.SecurityGroups.SecurityGroup[0].SecurityGroupId), "")
			if len(perms) != 1 || dara.StringValue(perms[0].PortRange) != want || dara.StringValue(perms[0].SourceCidrIp) != "0.0.0.0/0" {
				t.Errorf("rules of tf-sg: %d, want one for %s from 0.0.0.0/0", len(perms), want)
			}
		}

		write(2, 8, "22/22")
		cli.init()
		cli.apply("create")
		tfCheckCalls(t, "create", wire.take())
		id := cli.id()
		i := a.one(t, id)
		vsws, err := vc.DescribeVSwitches(&vpc2.DescribeVSwitchesRequest{RegionId: nwRegion, VSwitchName: dara.String("tf-vsw")})
		if err != nil || len(vsws.Body.VSwitches.VSwitch) != 1 {
			t.Fatalf("tf-vsw: %v %+v", err, vsws)
		}
		vsw := vsws.Body.VSwitches.VSwitch[0]
		if i.VpcAttributes.VSwitchId != dara.StringValue(vsw.VSwitchId) || i.VpcAttributes.VpcId != dara.StringValue(vsw.VpcId) ||
			i.Cpu != 2 || i.Memory != 8192 || i.Status != "Running" || dara.Int64Value(vsw.AvailableIpAddressCount) != 251 {
			t.Errorf("instance %s: %s %s %d vCPUs %d MiB %s; vSwitch %+v", id, i.VpcAttributes.VpcId, i.VpcAttributes.VSwitchId, i.Cpu, i.Memory, i.Status, vsw)
		}
		rules("22/22")
		cli.planEmpty("after create")
		tfCheckCalls(t, "plan", wire.take())

		write(4, 16, "2222/2222")
		cli.apply("new type and rule")
		calls := wire.take()
		tfCheckCalls(t, "new type and rule", calls)
		for _, action := range []string{"ModifyPrepayInstanceSpec", "RevokeSecurityGroup", "AuthorizeSecurityGroup"} {
			if len(tfFind(calls, action)) == 0 {
				t.Errorf("the change called no %s; calls: %s", action, tfActions(calls))
			}
		}
		if i := a.one(t, id); i.Cpu != 4 || i.Memory != 16384 || i.VpcAttributes.VSwitchId != dara.StringValue(vsw.VSwitchId) {
			t.Errorf("after the change %s has %d vCPUs, %d MiB, in %s", id, i.Cpu, i.Memory, i.VpcAttributes.VSwitchId)
		}
		rules("2222/2222")
		cli.planEmpty("after the change")
		tfCheckCalls(t, "plan", wire.take())

		if code, out := cli.run("destroy", "-auto-approve"); code != 0 {
			t.Fatalf("destroy: exit %d\n%s", code, out)
		}
		// The provider waits for the vSwitch and the VPC to be gone: their
		// NotFound (404) answers are the end of its wait.
		var refused []tfCall
		for _, c := range wire.take() {
			if !(c.Status == 404 && (c.Action == "DescribeVSwitchAttributes" || c.Action == "DescribeVpcAttribute")) {
				refused = append(refused, c)
			}
		}
		tfCheckCalls(t, "destroy", refused)
		if n := a.count(t, nil); n != 0 {
			t.Errorf("%d instances after destroy", n)
		}
		vpcs, err := vc.DescribeVpcs(&vpc2.DescribeVpcsRequest{RegionId: nwRegion})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vpcs.Body.Vpcs.Vpc {
			if !dara.BoolValue(v.IsDefault) {
				t.Errorf("VPC %s (%s) still there after destroy", dara.StringValue(v.VpcId), dara.StringValue(v.VpcName))
			}
		}
		_, err = vc.DescribeVSwitchAttributes(&vpc2.DescribeVSwitchAttributesRequest{RegionId: nwRegion, VSwitchId: vsw.VSwitchId})
		lcWantV2(t, "the vSwitch after destroy", err, "InvalidVSwitchId.NotFound", 404)
		g, err := a.v2.DescribeSecurityGroups(&ecs2.DescribeSecurityGroupsRequest{RegionId: nwRegion, SecurityGroupName: dara.String("tf-sg")})
		if err != nil || dara.Int32Value(g.Body.TotalCount) != 0 {
			t.Errorf("tf-sg after destroy: %v %+v", err, g)
		}
	})
}
