package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
)

// scErrCase makes ecsd answer one row of the spec's error table, through
// both SDKs, from a state reached the way real ECS reaches it: public APIs;
// admin flags for state owned by other products (EIP, starter package,
// locks, account standing, quotas); fault injection only for failures
// inside Alibaba's own systems (InternalError, OrderCreationFailed,
// ImageOrderFailed, LimitedOperation.ServiceUnavailable).
type scErrCase struct {
	code   string
	status int
	name   string // the situation
	// setup builds the state and returns who asks for what; the request
	// goes through Go SDK v1 and v2 and must fail with code and status.
	setup func(t *testing.T, e *scErrEnv) (*lcActor, scReq)
	// call, instead of setup, makes other calls and returns their errors
	// (for rows that another action answers, and for the rate limit).
	call func(t *testing.T, e *scErrEnv) []error
}

// scErrEnv is the server of the error cases.
type scErrEnv struct {
	s    *ecsdtest.Server
	name string
}

// account creates a rich account for one case.
func (e *scErrEnv) account(t *testing.T) *lcActor {
	t.Helper()
	return lcAccount(t, e.s, "err-"+e.name, "100000.00", "0.00")
}

// scSetInstance sets flags an instance gets from other products.
func scSetInstance(t *testing.T, s *ecsdtest.Server, id string, body map[string]any) {
	t.Helper()
	if st := s.Admin(t, "PATCH", "/_ecsd/v1/instances/"+id, body, nil); st != 200 {
		t.Fatalf("PATCH instance %s %v: HTTP %d", id, body, st)
	}
}

// scFault makes the account's next n calls of ModifyPrepayInstanceSpec fail
// with the code.
func scFault(t *testing.T, s *ecsdtest.Server, accountID, code string, n int) {
	t.Helper()
	body := map[string]any{"Action": "ModifyPrepayInstanceSpec", "Code": code, "Count": n, "AccountId": accountID}
	if st := s.Admin(t, "POST", "/_ecsd/v1/faults", body, nil); st != 200 {
		t.Fatalf("POST fault %v: HTTP %d", body, st)
	}
	// Work around a race in internal/server: the timer loop refreshes the
	// "faults pending" switch from a count it read before the fault was
	// inserted and can turn the switch off again right after the admin call
	// armed it; the next tick (100 ms) turns it back on.
	time.Sleep(300 * time.Millisecond)
}

// scRAMUser creates a RAM user of the account with the policies attached
// (RAM API) and returns an actor with its keys.
func scRAMUser(t *testing.T, s *ecsdtest.Server, a *lcActor, name string, policies ...string) *lcActor {
	t.Helper()
	u := ramNewActor(t, s, a.ID, a.keyID, a.secr).user(t, name, policies...)
	return &lcActor{
		s: s, ID: a.ID, keyID: u.keyID, secr: u.secret,
		v1: s.SDKv1(t, u.keyID, u.secret), v2: s.SDKv2(t, u.keyID, u.secret), bss: lcBSSClient(t, s, u.keyID, u.secret),
	}
}

// scDataDiskOf returns the id of the instance's first data disk.
func scDataDiskOf(t *testing.T, a *lcActor, id string) string {
	t.Helper()
	r := ecs.CreateDescribeDisksRequest()
	r.RegionId, r.InstanceId, r.DiskType = "cn-hangzhou", id, "data"
	resp, err := a.v1.DescribeDisks(r)
	if err != nil {
		t.Fatalf("DescribeDisks: %v", err)
	}
	if len(resp.Disks.Disk) == 0 {
		t.Fatalf("%s has no data disk", id)
	}
	return resp.Disks.Disk[0].DiskId
}

// Options of RunInstances, as the SDK sends them.
func scParams(kv ...string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) {
		for i := 0; i+1 < len(kv); i += 2 {
			r.QueryParams[kv[i]] = kv[i+1]
		}
	}
}

func scDataDisks(n int, category string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) {
		for i := 1; i <= n; i++ {
			r.QueryParams["DataDisk."+strconv.Itoa(i)+".Category"] = category
		}
	}
}

func scImage(id string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) { r.ImageId = id }
}

const (
	scWindowsImage = "win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd"
	scH            = "cn-hangzhou-h"
)

// scErrCatalog writes the embedded catalog with three edits an operator can
// make with `ecsd catalog dump` and --catalog, so that the last rules that
// the embedded data never reaches can fire: g7 (nested virtualization) and
// g8y (ARM) may change to g6, and ecs.t5-lc2m1.nano has one private IPv4
// address per ENI (no secondary address).
func scErrCatalog(t *testing.T) string {
	t.Helper()
	raw, err := catalog.Default().Dump()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	targets := doc["Compatibility"].(map[string]any)["Targets"].(map[string]any)
	for _, f := range []string{"ecs.g7", "ecs.g8y"} {
		targets[f] = append(targets[f].([]any), "ecs.g6")
	}
	found := false
	for _, typ := range doc["InstanceTypes"].([]any) {
		if m := typ.(map[string]any); m["InstanceTypeId"] == "ecs.t5-lc2m1.nano" {
			m["EniPrivateIpAddressQuantity"], found = 1, true
		}
	}
	if !found {
		t.Fatal("no ecs.t5-lc2m1.nano in the catalog")
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scElsewhere names the test that produces a row this file does not: both
// need a change or a transition that lasts, which the servers below (with
// no delays) cannot hold on purpose.
var scElsewhere = map[scSeedRow]string{
	{400, "LastOrderProcessing"}:   "TestSpecChangeInFlight",
	{400, "InvalidInstanceStatus"}: "TestSpecChangeInFlight",
}

// scErrCases is the error table, row by row. Every case has its own
// account; instances are g6 in cn-hangzhou-h unless the rule needs another.
func scErrCases() []scErrCase {
	running := func(typ string, opts ...func(*ecs.RunInstancesRequest)) func(t *testing.T, e *scErrEnv) (*lcActor, string) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, string) {
			a := e.account(t)
			return a, scRunning(t, a, scH, typ, opts...)
		}
	}
	stopped := func(typ string, opts ...func(*ecs.RunInstancesRequest)) func(t *testing.T, e *scErrEnv) (*lcActor, string) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, string) {
			a := e.account(t)
			return a, scStopped(t, a, scH, typ, opts...)
		}
	}
	// flagged: a Running g6.large with instance flags set; the request is a
	// valid upgrade.
	flagged := func(body map[string]any) func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
			a, id := running("ecs.g6.large")(t, e)
			scSetInstance(t, e.s, id, body)
			return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
		}
	}
	// accountFlagged: the same with account flags.
	accountFlagged := func(body map[string]any) func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
			a, id := running("ecs.g6.large")(t, e)
			a.patch(t, body)
			return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
		}
	}
	// faulty: a valid upgrade that meets an injected failure.
	faulty := func(code string) func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
			a, id := running("ecs.g6.large")(t, e)
			scFault(t, e.s, a.ID, code, 2)
			return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
		}
	}
	// withDataDisk: a Running g6.large with one ESSD data disk, and a valid
	// upgrade changing that disk as given.
	withDataDisk := func(category, pl string) func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
			a, id := running("ecs.g6.large", scDataDisks(1, "cloud_essd"))(t, e)
			disk := scDataDiskOf(t, a, id)
			return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", Disks: []scDisk{{DiskId: disk, Category: category, PerformanceLevel: pl}}}
		}
	}
	// change: the instance from make, asked to change to typ.
	change := func(mk func(t *testing.T, e *scErrEnv) (*lcActor, string), typ string) func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
		return func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
			a, id := mk(t, e)
			return a, scReq{InstanceId: id, InstanceType: typ}
		}
	}

	return []scErrCase{
		// 400
		{code: "InvalidInstanceType.ValueUnauthorized", status: 400, name: "restricted type, main account",
			setup: accountFlagged(map[string]any{"RestrictedTypes": []string{"ecs.g6.xlarge"}})},
		{code: "InvalidInstanceType.ValueNotSupported", status: 400, name: "no such type",
			setup: change(running("ecs.g6.large"), "ecs.g6.huge")},
		{code: "InvalidBillingMethod.ValueNotSupported", status: 400, name: "pay-as-you-go instance",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := a.mustRun(t, lcZone(scH)).InstanceIdSets.InstanceIdSet[0]
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InvalidInstance.PurchaseNotFound", status: 400, name: "no purchase record",
			setup: flagged(map[string]any{"NoPurchaseRecord": true})},
		{code: "InvalidInstance.UnpaidOrder", status: 400, name: "an unpaid change",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", AutoPay: scBool(false)})
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"}
			}},
		{code: "InvalidInstanceType.NotSupported", status: 400, name: "the current type",
			setup: change(running("ecs.g6.large"), "ecs.g6.large")},
		{code: "OrderCreationFailed", status: 400, name: "injected", setup: faulty("OrderCreationFailed")},
		{code: "Throttling", status: 400, name: "per-API rate limit", call: scThrottled},
		{code: "Account.Arrearage", status: 400, name: "overdue payment",
			setup: accountFlagged(map[string]any{"OverduePayment": true})},
		{code: "InvalidInstanceId.NotFound", status: 400, name: "not an instance id",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				return e.account(t), scReq{InstanceId: "instance-1", InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InvalidRebootTime.MalFormed", status: 400, name: "RebootTime not ISO 8601",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", RebootTime: "tomorrow at noon"}
			}},
		{code: "InvalidRebootTime.ValueNotSupported", status: 400, name: "RebootTime in the past",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				past := scNow(t, e.s).Add(-time.Hour).Format("2006-01-02T15:04:05Z")
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", RebootTime: past}
			}},
		{code: "IdempotenceParamNotMatch", status: 400, name: "ClientToken reused with another type",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", ClientToken: "tok-" + id})
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge", ClientToken: "tok-" + id}
			}},
		{code: "InvalidInstanceChargeType.ValueNotSupported", status: 400, name: "RunInstances with an unknown charge type (ModifyPrepayInstanceSpec has no such parameter)",
			call: func(t *testing.T, e *scErrEnv) []error {
				a := e.account(t)
				_, err1 := a.run(lcZone(scH), func(r *ecs.RunInstancesRequest) { r.InstanceChargeType = "Prepaid" })
				_, err2 := a.v2.RunInstances(&ecs2.RunInstancesRequest{RegionId: dara.String("cn-hangzhou"), ZoneId: dara.String(scH),
					ImageId: dara.String(lcImage), InstanceType: dara.String("ecs.g6.large"), InstanceChargeType: dara.String("Spot")})
				return []error{err1, err2}
			}},
		{code: "InvalidStatus.NotStopped", status: 400, name: "downgrade of a Running instance",
			setup: change(running("ecs.g6.xlarge"), "ecs.g6.large")},
		{code: "InvalidAction", status: 400, name: "OperatorType downgrade for an upgrade",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", OperatorType: "downgrade"}
			}},
		{code: "InstanceDowngrade.QuotaExceed", status: 400, name: "second downgrade, quota 1",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, one := stopped("ecs.g6.xlarge")(t, e)
				two := scStopped(t, a, scH, "ecs.g6.xlarge")
				a.patch(t, map[string]any{"DowngradeQuota": 1})
				scAccept(t, a, scReq{InstanceId: one, InstanceType: "ecs.g6.large"})
				return a, scReq{InstanceId: two, InstanceType: "ecs.g6.large"}
			}},
		{code: "InvalidParameter", status: 400, name: "OperatorType sideways",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", OperatorType: "sideways"}
			}},
		{code: "OperationDenied", status: 400, name: "downgrades not allowed (quota 0)",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := stopped("ecs.g6.xlarge")(t, e)
				a.patch(t, map[string]any{"DowngradeQuota": 0})
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"}
			}},
		{code: "InvalidOperation.VpcHasEnabledAdvancedNetworkFeature", status: 400, name: "VPC advanced network feature",
			setup: flagged(map[string]any{"VpcAdvancedNetworkFeature": true})},
		{code: "InvalidAction.WithActiveElasticUpgrade", status: 400, name: "a temporary upgrade is active",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				end := scNow(t, e.s).Add(48 * time.Hour).Format("2006-01-02T15:04Z")
				scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", EndTime: end})
				scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"}
			}},
		{code: "InstanceTypeNotSupported.TooManyDisksAttached", status: 400, name: "9 data disks, the target takes 8",
			setup: change(stopped("ecs.g6.large", scDataDisks(9, "cloud_essd")), "ecs.t6-c4m1.large")},
		{code: "QuotaExceed.DiskCapacity", status: 400, name: "disk category change beyond the zone's capacity quota",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, r := withDataDisk("cloud_ssd", "")(t, e)
				a.patch(t, map[string]any{"DiskCapacityQuota": map[string]int{"cloud_ssd": 10}})
				return a, r
			}},
		{code: "MissingParameter.DiskCategory", status: 400, name: "Disk.1.DiskId without Category", setup: withDataDisk("", "")},
		{code: "InvalidParameter.DiskCategory", status: 400, name: "Disk.1.Category unknown", setup: withDataDisk("floppy", "")},
		{code: "InvalidPerformanceLevel.Malformed", status: 400, name: "Disk.1.PerformanceLevel PL9", setup: withDataDisk("cloud_essd", "PL9")},
		{code: "InvalidSystemDiskCategory.NotMatchInstanceType", status: 400, name: "ultra system disk, ESSD-only target",
			setup: change(running("ecs.g6.large", scParams("SystemDisk.Category", "cloud_efficiency")), "ecs.g7.large")},
		{code: "QuotaExceed.RufundVcpu", status: 400, name: "refunded vCPU quota 1",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := stopped("ecs.g6.xlarge")(t, e)
				a.patch(t, map[string]any{"RefundVCPUQuota": 1})
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"}
			}},
		{code: "NoPermission.Price", status: 400, name: "RAM user without bss:GetSubscriptionPrice, AutoPay=false",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				u := scRAMUser(t, e.s, a, "no-price", "System:AliyunECSFullAccess")
				return u, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", AutoPay: scBool(false)}
			}},
		{code: "NoPermission.Refund", status: 400, name: "RAM user without bss:RefundInstance, downgrade",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := stopped("ecs.g6.xlarge")(t, e)
				u := scRAMUser(t, e.s, a, "no-refund", "System:AliyunECSFullAccess")
				return u, scReq{InstanceId: id, InstanceType: "ecs.g6.large"}
			}},
		{code: "InvalidOperation.InstanceRenewWithDowngradeInPlan", status: 400, name: "renewal with downgrade planned",
			setup: flagged(map[string]any{"RenewDowngradePlanned": true})},
		{code: "InvalidOperation.OnlineModificationUnsupported", status: 400, name: "ModifyMode Online on g6",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", ModifyMode: "Online"}
			}},
		{code: "InvalidInstanceType.NotSupportCpuOptionsNestedVirtualization", status: 400, name: "nested virtualization on, target without it",
			setup: change(running("ecs.g7.large", scParams("CpuOptions.NestedVirtualization", "Enabled")), "ecs.g6.xlarge")},
		// 401
		{code: "InvalidInstanceType.ValueUnauthorized", status: 401, name: "restricted type, RAM user",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				a.patch(t, map[string]any{"RestrictedTypes": []string{"ecs.g6.xlarge"}})
				u := scRAMUser(t, e.s, a, "restricted", "System:AliyunECSFullAccess")
				return u, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		// 500, 503
		{code: "InternalError", status: 500, name: "injected", setup: faulty("InternalError")},
		{code: "ImageOrderFailed", status: 500, name: "injected", setup: faulty("ImageOrderFailed")},
		{code: "LimitedOperation.ServiceUnavailable", status: 503, name: "injected", setup: faulty("LimitedOperation.ServiceUnavailable")},
		// 403
		{code: "OperationDenied.NoStock", status: 403, name: "no stock of the target in the zone",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := scRunning(t, a, "cn-hangzhou-j", "ecs.r6.large")
				lcSetStock(t, e.s, "cn-hangzhou-j", "ecs.r6.xlarge", 0)
				return a, scReq{InstanceId: id, InstanceType: "ecs.r6.xlarge"}
			}},
		{code: "InvalidInstanceType.ValueNotSupported", status: 403, name: "family outside the compatibility table",
			setup: change(running("ecs.g6.large"), "ecs.g8y.2xlarge")},
		{code: "InvalidUser.PassRoleForbidden", status: 403, name: "RAM user without ram:PassRole, instance with a RAM role",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large", func(r *ecs.RunInstancesRequest) { r.RamRoleName = "EcsAppRole" })(t, e)
				u := scRAMUser(t, e.s, a, "no-passrole", "System:AliyunECSFullAccess", "System:AliyunBSSFullAccess")
				return u, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "ImageNotSupportInstanceType", status: 403, name: "ARM image, x86 target",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := scRunning(t, a, "cn-hangzhou-i", "ecs.g8y.large", scImage(lcArmImage))
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InstanceType.Offline", status: 403, name: "retired target",
			setup: change(running("ecs.g5.large"), "ecs.n4.4xlarge")},
		{code: "IncorrectInstanceStatus", status: 403, name: "StopInstance of a Stopped instance (ModifyPrepayInstanceSpec uses InvalidInstanceStatus)",
			call: func(t *testing.T, e *scErrEnv) []error {
				a, id := stopped("ecs.g6.large")(t, e)
				r := ecs.CreateStopInstanceRequest()
				r.InstanceId, r.ForceStop = id, requests.NewBoolean(false)
				_, err1 := a.v1.StopInstance(r)
				_, err2 := a.v2.StopInstance(&ecs2.StopInstanceRequest{InstanceId: dara.String(id), ForceStop: dara.Bool(false)})
				return []error{err1, err2}
			}},
		{code: "Throttling", status: 403, name: "two changes closer than MinChangeInterval",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
				scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"}
			}},
		{code: "OperationDenied", status: 403, name: "MigrateAcrossZone with a data disk, no stock in the zone",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := scRunning(t, a, "cn-hangzhou-j", "ecs.r6.large", scDataDisks(1, "cloud_essd"))
				lcSetStock(t, e.s, "cn-hangzhou-j", "ecs.r6.xlarge", 0)
				return a, scReq{InstanceId: id, InstanceType: "ecs.r6.xlarge", MigrateAcrossZone: scBool(true)}
			}},
		{code: "InvalidInstanceStatus", status: 403, name: "security lock", setup: flagged(map[string]any{"LockReason": "security"})},
		{code: "InvalidOperation.StarterPackage", status: 403, name: "starter package", setup: flagged(map[string]any{"StarterPackage": true})},
		{code: "InvalidInstance.EipNotSupport", status: 403, name: "EIP associated", setup: flagged(map[string]any{"EipAddress": "47.96.10.20"})},
		{code: "OperationDenied.ImageNotValid", status: 403, name: "image not authorized", setup: flagged(map[string]any{"ImageNotAuthorized": true})},
		{code: "OperationDenied.LocalDiskUnsupported", status: 403, name: "local disks (i2)",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := scRunning(t, a, "cn-hangzhou-g", "ecs.i2.xlarge")
				return a, scReq{InstanceId: id, InstanceType: "ecs.i2.2xlarge"}
			}},
		{code: "InvalidOperation.EniCountExceeded", status: 403, name: "3 ENIs, the target takes 2",
			setup: change(stopped("ecs.g6.xlarge", scParams("NetworkInterface.1.InstanceType", "Secondary", "NetworkInterface.2.InstanceType", "Secondary")), "ecs.g6.large")},
		{code: "InvalidOperation.Ipv4CountExceeded", status: 403, name: "10 private IPv4 per ENI, the target takes 6",
			setup: change(stopped("ecs.g6.xlarge", scParams("NetworkInterface.1.InstanceType", "Primary", "NetworkInterface.1.SecondaryPrivateIpAddressCount", "9")), "ecs.g6.large")},
		{code: "InvalidOperation.Ipv6CountExceeded", status: 403, name: "10 IPv6, the target takes 6",
			setup: change(stopped("ecs.g7.xlarge", scParams("Ipv6AddressCount", "10")), "ecs.g7.large")},
		{code: "InvalidOperation.Ipv6NotSupport", status: 403, name: "IPv6, the target has none",
			setup: change(stopped("ecs.g5.large", scParams("Ipv6AddressCount", "1")), "ecs.t5-lc2m1.nano")},
		{code: "InvalidOperation.Ipv4NotSupport", status: 403, name: "a secondary IPv4, the target has none",
			setup: change(stopped("ecs.g5.large", scParams("NetworkInterface.1.InstanceType", "Primary", "NetworkInterface.1.SecondaryPrivateIpAddressCount", "1")), "ecs.t5-lc2m1.nano")},
		{code: "InvalidInstance.NotFoundSystemDisk", status: 403, name: "system disk missing", setup: flagged(map[string]any{"SystemDiskMissing": true})},
		{code: "InvalidInstanceType.NotSupportDiskCategory", status: 403, name: "ultra data disk, ESSD-only target",
			setup: change(running("ecs.g6.large", scParams("SystemDisk.Category", "cloud_essd", "DataDisk.1.Category", "cloud_efficiency")), "ecs.g7.large")},
		{code: "QuotaExceed.ElasticQuota", status: 403, name: "regional vCPU quota",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				a.patch(t, map[string]any{"VCPUQuota": map[string]int{"cn-hangzhou": 3}})
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InvalidResourceType.NotSupported", status: 403, name: "target not offered in the zone",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := scRunning(t, a, "cn-hangzhou-g", "ecs.g6.large")
				return a, scReq{InstanceId: id, InstanceType: "ecs.g7.large"}
			}},
		{code: "InvalidOperation.MaxEniQueueNumberExceeded", status: 403, name: "4 queues per ENI, the target takes 2",
			setup: change(stopped("ecs.g6.2xlarge", scParams("NetworkInterfaceQueueNumber", "4")), "ecs.g6.xlarge")},
		{code: "InvalidOperation.ExceedInstanceTypeQueueNumber", status: 403, name: "5 ENIs of 8 queues, the target takes 36 in all",
			setup: change(stopped("ecs.g7.8xlarge", scParams("NetworkInterfaceQueueNumber", "8",
				"NetworkInterface.1.InstanceType", "Secondary", "NetworkInterface.1.QueueNumber", "8",
				"NetworkInterface.2.InstanceType", "Secondary", "NetworkInterface.2.QueueNumber", "8",
				"NetworkInterface.3.InstanceType", "Secondary", "NetworkInterface.3.QueueNumber", "8",
				"NetworkInterface.4.InstanceType", "Secondary", "NetworkInterface.4.QueueNumber", "8")), "ecs.g7.4xlarge")},
		{code: "InvalidParameter.InvalidEniQueueNumber", status: 403, name: "RunInstances with 0 queues on an ENI (a spec change meets only instances with valid queues)",
			call: func(t *testing.T, e *scErrEnv) []error {
				a := e.account(t)
				_, err1 := a.run(lcZone(scH), scParams("NetworkInterface.1.InstanceType", "Secondary", "NetworkInterface.1.QueueNumber", "0"))
				_, err2 := a.v2.RunInstances(&ecs2.RunInstancesRequest{RegionId: dara.String("cn-hangzhou"), ZoneId: dara.String(scH),
					ImageId: dara.String(lcImage), InstanceType: dara.String("ecs.g6.large"),
					NetworkInterface: []*ecs2.RunInstancesRequestNetworkInterface{{InstanceType: dara.String("Secondary"), QueueNumber: dara.Int32(0)}}})
				return []error{err1, err2}
			}},
		{code: "HibernationConfigured.InstanceOperationForbidden", status: 403, name: "hibernation configured",
			setup: change(running("ecs.g6.large", scParams("HibernationOptions.Configured", "true")), "ecs.g6.xlarge")},
		{code: "InvalidOperation.OSTypeNotSupported", status: 403, name: "Windows, target with 0.5 GiB",
			setup: change(stopped("ecs.g6.large", scImage(scWindowsImage)), "ecs.t6-c4m1.large")},
		{code: "OperationDenied.UnpaidOrder", status: 403, name: "the purchase is unpaid",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a := e.account(t)
				id := scBuy(t, a, scH, "ecs.g6.large", lcNoAutoPay)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InvalidDisk.DetachedSystemDisk", status: 403, name: "system disk detached", setup: flagged(map[string]any{"SystemDiskDetached": true})},
		{code: "InvalidDataDiskCategory.ValueNotSupported", status: 403, name: "Disk.1.Category basic, target without it", setup: withDataDisk("cloud", "")},
		{code: "InvalidDiskCategory.NotSupported", status: 403, name: "SystemDisk.Category on a current type",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", SystemDiskCategory: "cloud_ssd"}
			}},
		// 404
		{code: "InvalidRegionId.NotFound", status: 404, name: "no such region",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{RegionId: "cn-nowhere-1", InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "BillingMethodNotFound", status: 404, name: "no billing method",
			setup: accountFlagged(map[string]any{"NoBillingMethod": true})},
		{code: "InvalidParameter.InstanceId", status: 403, name: "an instance id of another region",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				a, id := running("ecs.g6.large")(t, e)
				return a, scReq{RegionId: "cn-shanghai", InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InvalidInstanceId.NotFound", status: 404, name: "no such instance",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				return e.account(t), scReq{InstanceId: "i-bp0000000000000000zz", InstanceType: "ecs.g6.xlarge"}
			}},
		{code: "InvalidInstanceId.NotFound", status: 404, name: "another account's instance",
			setup: func(t *testing.T, e *scErrEnv) (*lcActor, scReq) {
				_, id := running("ecs.g6.large")(t, e)
				return e.account(t), scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}
			}},
	}
}

// scThrottled sends changes through each SDK, 20 at once, until the
// per-API rate limit (per account and action) answers Throttling 400.
// Calls go out together so that they outrun the refill however slowly the
// machine answers each one.
func scThrottled(t *testing.T, e *scErrEnv) []error {
	a := e.account(t)
	r := scReq{InstanceId: "instance-1", InstanceType: "ecs.g6.xlarge"}
	var out []error
	for _, send := range []func() error{
		func() error { _, err := r.modify(a.v1); return err },
		func() error { _, err := r.modify2(a.v2); return err },
	} {
		var got error
		for round := 0; round < 50 && got == nil; round++ {
			errs := make([]error, 20)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() { errs[i] = send() })
			}
			wg.Wait()
			for _, err := range errs {
				if scCode(err) != "InvalidInstanceId.NotFound" {
					got = err
					break
				}
			}
		}
		out = append(out, got)
	}
	return out
}

// TestSpecChangeErrors produces every row of the spec's error table through
// both SDKs, on each store. The server runs on a manual clock with a
// 5-minute MinChangeInterval, a low per-API rate limit and a catalog with
// the edits of scErrCatalog. The first group runs in parallel while the
// clock stands still; the cases that need time to pass run after it.
func TestSpecChangeErrors(t *testing.T) {
	t.Parallel()
	cases := scErrCases()
	scCheckCasesCoverTable(t, cases)
	cat := scErrCatalog(t)
	opts := ecsdtest.Options{
		ManualClock: true,
		ClockStart:  time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC),
		// 10 calls a second per account and action, 100 at once: more than
		// any case asks for, except the one that runs into it.
		Throttle: &rpc.ThrottleConfig{ActionRate: 10, ActionBurst: 100, UserRate: 5000, UserBurst: 10000},
		Configure: func(c *server.Config) {
			c.MinChangeInterval = 5 * time.Minute
			c.CatalogFile = cat
		},
	}
	ecsdtest.Each(t, opts, func(t *testing.T, s *ecsdtest.Server) {
		t.Run("clock-still", func(t *testing.T) {
			for _, c := range cases {
				name := fmt.Sprintf("%s_%d_%s", c.code, c.status, c.name)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					e := &scErrEnv{s: s, name: c.code}
					if c.call != nil {
						for i, err := range c.call(t, e) {
							scWantV1orV2(t, fmt.Sprintf("call %d", i+1), err, c.code, c.status)
						}
						return
					}
					a, r := c.setup(t, e)
					scRefused(t, a, r, c.code, c.status)
				})
			}
		})
		// These move the manual clock: one at a time, after the group above.
		t.Run("InvalidOperation.RebootingRequired_InvalidOperation.MaxModifyOnlineNumberExceeded", func(t *testing.T) { scTestOnlineChanges(t, s) })
		t.Run("InvalidInstance.PreInstanceExpired_403_expired", func(t *testing.T) { scTestExpired(t, s) })
	})
}

// scWantV1orV2 checks an error of either SDK.
func scWantV1orV2(t *testing.T, what string, err error, code string, status int) {
	t.Helper()
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		scWantV1(t, what, err, code, status)
		return
	}
	lcWantV2(t, what, err, code, status)
}

// Online changes (ModifyMode=Online, 7th-generation families, Running)
// apply without a restart, three times at most; meanwhile an offline
// change needs the restart first. MinChangeInterval is 5 minutes: the
// clock moves 6 minutes between changes.
func scTestOnlineChanges(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "err-online", "100000.00", "0.00")
	id := scRunning(t, a, scH, "ecs.g7.large")
	online := func(typ string, cpu, mem int) {
		t.Helper()
		lcAdvance(t, s, "6m")
		scAccept(t, a, scReq{InstanceId: id, InstanceType: typ, ModifyMode: "Online"})
		if i := scWaitType(t, a, id, typ, cpu, mem); i.Status != "Running" {
			t.Errorf("%s after an online change: %s", id, i.Status)
		}
	}
	online("ecs.g7.xlarge", 4, 16)
	lcAdvance(t, s, "6m")
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g7.2xlarge"}, "InvalidOperation.RebootingRequired", 403)
	online("ecs.g7.2xlarge", 8, 32)
	online("ecs.g7.4xlarge", 16, 64)
	lcAdvance(t, s, "6m")
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g7.8xlarge", ModifyMode: "Online"}, "InvalidOperation.MaxModifyOnlineNumberExceeded", 403)
}

// An expired subscription must be renewed before a change.
func scTestExpired(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "err-expired", "100000.00", "0.00")
	id := scRunning(t, a, scH, "ecs.g6.large", lcPrePaid(1, "Week"))
	lcAdvance(t, s, "192h")
	scWait(t, a, id, "stopped at expiry", func(i ecs.Instance) bool { return i.Status == "Stopped" })
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}, "InvalidInstance.PreInstanceExpired", 403)
}

// scCheckCasesCoverTable checks that the cases above, the rows produced by
// other tests and the known gaps together are the spec's whole table.
func scCheckCasesCoverTable(t *testing.T, cases []scErrCase) {
	t.Helper()
	rows, err := scSeedTable()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[scSeedRow]bool{
		{403, "InvalidOperation.RebootingRequired"}:             true, // scTestOnlineChanges
		{403, "InvalidOperation.MaxModifyOnlineNumberExceeded"}: true, // scTestOnlineChanges
		{403, "InvalidInstance.PreInstanceExpired"}:             true, // scTestExpired
	}
	for _, c := range cases {
		covered[scSeedRow{c.status, c.code}] = true
	}
	for r := range scElsewhere {
		covered[r] = true
	}
	for r := range scNeverProduced {
		covered[r] = true
	}
	var inTable []scSeedRow
	for _, r := range rows {
		inTable = append(inTable, r)
		if !covered[r] {
			t.Errorf("no case for %s", r)
		}
	}
	for r := range covered {
		if !slices.Contains(inTable, r) {
			t.Errorf("case for %s, which is not a row of the table", r)
		}
	}
}
