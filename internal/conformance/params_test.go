package conformance

import (
	"errors"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	vpc2 "github.com/alibabacloud-go/vpc-20160428/v6/client"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	ramsdk "github.com/aliyun/alibaba-cloud-sdk-go/services/ram"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/rpc"
)

// sdkModels maps each served action to the official SDK's request model:
// Go SDK v2 for ECS and VPC, v1 for BSS and RAM. A new action gets its row here.
var sdkModels = map[string]map[string]any{
	"Ecs": {
		"DeleteDisk":                            ecs2.DeleteDiskRequest{},
		"DeleteInstance":                        ecs2.DeleteInstanceRequest{},
		"DescribeDisks":                         ecs2.DescribeDisksRequest{},
		"DescribeImages":                        ecs2.DescribeImagesRequest{},
		"DescribeInstanceAttachmentAttributes":  ecs2.DescribeInstanceAttachmentAttributesRequest{},
		"DescribeInstanceAttribute":             ecs2.DescribeInstanceAttributeRequest{},
		"DescribeInstanceAutoRenewAttribute":    ecs2.DescribeInstanceAutoRenewAttributeRequest{},
		"DescribeInstanceMaintenanceAttributes": ecs2.DescribeInstanceMaintenanceAttributesRequest{},
		"DescribeInstanceModificationPrice":     ecs2.DescribeInstanceModificationPriceRequest{},
		"DescribeInstanceRamRole":               ecs2.DescribeInstanceRamRoleRequest{},
		"DescribeInstanceStatus":                ecs2.DescribeInstanceStatusRequest{},
		"DescribeInstanceTypeFamilies":          ecs2.DescribeInstanceTypeFamiliesRequest{},
		"DescribeInstanceTypes":                 ecs2.DescribeInstanceTypesRequest{},
		"DescribeInstances":                     ecs2.DescribeInstancesRequest{},
		"DescribeNetworkInterfaces":             ecs2.DescribeNetworkInterfacesRequest{},
		"DescribePrice":                         ecs2.DescribePriceRequest{},
		"DescribeRegions":                       ecs2.DescribeRegionsRequest{},
		"DescribeRenewalPrice":                  ecs2.DescribeRenewalPriceRequest{},
		"DescribeResourcesModification":         ecs2.DescribeResourcesModificationRequest{},
		"DescribeUserData":                      ecs2.DescribeUserDataRequest{},
		"DescribeZones":                         ecs2.DescribeZonesRequest{},
		"ListTagResources":                      ecs2.ListTagResourcesRequest{},
		"ModifyInstanceAttribute":               ecs2.ModifyInstanceAttributeRequest{},
		"ModifyInstanceAutoReleaseTime":         ecs2.ModifyInstanceAutoReleaseTimeRequest{},
		"ModifyInstanceAutoRenewAttribute":      ecs2.ModifyInstanceAutoRenewAttributeRequest{},
		"ModifyInstanceChargeType":              ecs2.ModifyInstanceChargeTypeRequest{},
		"ModifyInstanceMaintenanceAttributes":   ecs2.ModifyInstanceMaintenanceAttributesRequest{},
		"ModifyInstanceSpec":                    ecs2.ModifyInstanceSpecRequest{},
		"ModifyPrepayInstanceSpec":              ecs2.ModifyPrepayInstanceSpecRequest{},
		"RebootInstance":                        ecs2.RebootInstanceRequest{},
		"RenewInstance":                         ecs2.RenewInstanceRequest{},
		"RunInstances":                          ecs2.RunInstancesRequest{},
		"StartInstance":                         ecs2.StartInstanceRequest{},
		"StopInstance":                          ecs2.StopInstanceRequest{},
		"TagResources":                          ecs2.TagResourcesRequest{},
		"UntagResources":                        ecs2.UntagResourcesRequest{},
		"AuthorizeSecurityGroup":                ecs2.AuthorizeSecurityGroupRequest{},
		"AuthorizeSecurityGroupEgress":          ecs2.AuthorizeSecurityGroupEgressRequest{},
		"CreateSecurityGroup":                   ecs2.CreateSecurityGroupRequest{},
		"DeleteSecurityGroup":                   ecs2.DeleteSecurityGroupRequest{},
		"DescribeAvailableResource":             ecs2.DescribeAvailableResourceRequest{},
		"DescribeSecurityGroupAttribute":        ecs2.DescribeSecurityGroupAttributeRequest{},
		"DescribeSecurityGroups":                ecs2.DescribeSecurityGroupsRequest{},
		"DescribeTags":                          ecs2.DescribeTagsRequest{},
		"JoinSecurityGroup":                     ecs2.JoinSecurityGroupRequest{},
		"LeaveSecurityGroup":                    ecs2.LeaveSecurityGroupRequest{},
		"ModifySecurityGroupAttribute":          ecs2.ModifySecurityGroupAttributeRequest{},
		"ModifySecurityGroupEgressRule":         ecs2.ModifySecurityGroupEgressRuleRequest{},
		"ModifySecurityGroupPolicy":             ecs2.ModifySecurityGroupPolicyRequest{},
		"ModifySecurityGroupRule":               ecs2.ModifySecurityGroupRuleRequest{},
		"CreateKeyPair":                         ecs2.CreateKeyPairRequest{},
		"DeleteKeyPairs":                        ecs2.DeleteKeyPairsRequest{},
		"DescribeKeyPairs":                      ecs2.DescribeKeyPairsRequest{},
		"ImportKeyPair":                         ecs2.ImportKeyPairRequest{},
		"ModifyInstanceMetadataOptions":         ecs2.ModifyInstanceMetadataOptionsRequest{},
		"RevokeSecurityGroup":                   ecs2.RevokeSecurityGroupRequest{},
		"RevokeSecurityGroupEgress":             ecs2.RevokeSecurityGroupEgressRequest{},
	},
	"BssOpenApi": {
		"CancelOrder":             bssopenapi.CancelOrderRequest{},
		"GetOrderDetail":          bssopenapi.GetOrderDetailRequest{},
		"QueryAccountBalance":     bssopenapi.QueryAccountBalanceRequest{},
		"QueryAvailableInstances": bssopenapi.QueryAvailableInstancesRequest{},
		"QueryOrders":             bssopenapi.QueryOrdersRequest{},
	},
	"Vpc": {
		"CreateVSwitch":             vpc2.CreateVSwitchRequest{},
		"CreateVpc":                 vpc2.CreateVpcRequest{},
		"DeleteVSwitch":             vpc2.DeleteVSwitchRequest{},
		"DeleteVpc":                 vpc2.DeleteVpcRequest{},
		"DescribeRouteTableList":    vpc2.DescribeRouteTableListRequest{},
		"DescribeVSwitchAttributes": vpc2.DescribeVSwitchAttributesRequest{},
		"DescribeVSwitches":         vpc2.DescribeVSwitchesRequest{},
		"DescribeVpcAttribute":      vpc2.DescribeVpcAttributeRequest{},
		"DescribeVpcs":              vpc2.DescribeVpcsRequest{},
		"ModifyVSwitchAttribute":    vpc2.ModifyVSwitchAttributeRequest{},
		"ModifyVpcAttribute":        vpc2.ModifyVpcAttributeRequest{},
	},
	"Ram": {
		"AttachPolicyToUser":      ramsdk.AttachPolicyToUserRequest{},
		"CreateAccessKey":         ramsdk.CreateAccessKeyRequest{},
		"CreatePolicy":            ramsdk.CreatePolicyRequest{},
		"CreatePolicyVersion":     ramsdk.CreatePolicyVersionRequest{},
		"CreateUser":              ramsdk.CreateUserRequest{},
		"DeleteAccessKey":         ramsdk.DeleteAccessKeyRequest{},
		"DeletePolicy":            ramsdk.DeletePolicyRequest{},
		"DeletePolicyVersion":     ramsdk.DeletePolicyVersionRequest{},
		"DeleteUser":              ramsdk.DeleteUserRequest{},
		"DetachPolicyFromUser":    ramsdk.DetachPolicyFromUserRequest{},
		"GetPolicy":               ramsdk.GetPolicyRequest{},
		"GetPolicyVersion":        ramsdk.GetPolicyVersionRequest{},
		"GetUser":                 ramsdk.GetUserRequest{},
		"ListAccessKeys":          ramsdk.ListAccessKeysRequest{},
		"ListPolicies":            ramsdk.ListPoliciesRequest{},
		"ListPoliciesForUser":     ramsdk.ListPoliciesForUserRequest{},
		"ListPolicyVersions":      ramsdk.ListPolicyVersionsRequest{},
		"ListUsers":               ramsdk.ListUsersRequest{},
		"SetDefaultPolicyVersion": ramsdk.SetDefaultPolicyVersionRequest{},
		"UpdateAccessKey":         ramsdk.UpdateAccessKeyRequest{},
		"UpdateUser":              ramsdk.UpdateUserRequest{},
	},
}

// sdkPaths lists the wire parameters of an SDK request model, "N" standing
// for a list index: v2 models name them in json tags, v1 models in name
// tags; a nested struct is Name.Field, a list of structs Name.N.Field, a
// list of strings Name (sent as Name.N).
func sdkPaths(t reflect.Type, prefix string, out *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("name")
		if name == "" {
			name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
		}
		if name == "" || name == "-" || f.Anonymous {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Slice {
			el := ft.Elem()
			for el.Kind() == reflect.Pointer {
				el = el.Elem()
			}
			if el.Kind() == reflect.Struct {
				sdkPaths(el, prefix+name+".N.", out)
				continue
			}
			*out = append(*out, prefix+name)
			continue
		}
		if ft.Kind() == reflect.Struct {
			sdkPaths(ft, prefix+name+".", out)
			continue
		}
		*out = append(*out, prefix+name)
	}
}

// TestEveryModelParameterHonouredOrRefused holds every served action to the
// rule that each parameter of the official request model is either decoded
// (and so honoured) by ecsd's request struct or named by one of its
// rpc.Refuse fields, which answer InvalidParameter. Nothing is dropped in
// silence.
func TestEveryModelParameterHonouredOrRefused(t *testing.T) {
	t.Parallel()
	s := ecsdtest.Start(t, "sqlite", ecsdtest.Options{})
	var problems []string
	for _, p := range s.Products {
		models, ok := sdkModels[p.Name]
		if !ok {
			problems = append(problems, "product "+p.Name+" has no row in sdkModels (internal/conformance/params_test.go)")
			continue
		}
		for _, a := range p.Actions {
			model, ok := models[a.Name]
			if !ok {
				problems = append(problems, p.Name+" "+a.Name+": no SDK request model; add its <Action>Request to sdkModels in internal/conformance/params_test.go")
				continue
			}
			decoded, refused, ok := a.Params()
			if !ok {
				problems = append(problems, p.Name+" "+a.Name+": handler is not made by rpc.Bind, so its parameters cannot be checked")
				continue
			}
			where := rpc.RequestType(a.Handle).String()
			problems = append(problems, checkModel(p.Name+" "+a.Name, where, reflect.TypeOf(model), decoded, refused)...)
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d problems; each SDK parameter must be decoded by a `param` field that the handler honours, or named in a `_ rpc.Refuse` field (with a why tag) of the request struct:\n%s",
			len(problems), strings.Join(problems, "\n"))
	}
}

// checkModel lists the parameters of model that the action (whose request
// struct is where) neither decodes nor refuses.
func checkModel(action, where string, model reflect.Type, decoded []string, refused []rpc.Refusal) []string {
	var sdk []string
	sdkPaths(model, "", &sdk)
	have := map[string]bool{}
	for _, d := range decoded {
		have[d] = true
	}
	var out []string
	for _, r := range refused {
		if r.Why == "" {
			out = append(out, action+": refused "+r.Name+" has no why tag in "+where)
		}
		if have[r.Name] {
			out = append(out, action+": "+r.Name+" is both decoded and refused in "+where)
		}
	}
	var missing []string
	for _, p := range sdk {
		if have[p] {
			continue
		}
		covered := false
		for _, r := range refused {
			if p == r.Name || strings.HasPrefix(p, r.Name+".") {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		out = append(out, action+": "+where+" neither decodes nor refuses "+model.String()+" parameters "+strings.Join(missing, " "))
	}
	return out
}

// TestRefusedParameterAnswered sends, through the official SDKs, parameters
// of the request model that ecsd does not model: a value is answered 400
// InvalidParameter naming the parameter, an empty value or the API's default
// is accepted, and a parameter outside the model is ignored.
func TestRefusedParameterAnswered(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		v2 := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		refused := func(what string, err error, param string) {
			t.Helper()
			var se *tea.SDKError
			if !errors.As(err, &se) {
				t.Errorf("%s: err = %v, want 400 InvalidParameter", what, err)
				return
			}
			msg := tea.StringValue(se.Message)
			if tea.IntValue(se.StatusCode) != 400 || tea.StringValue(se.Code) != "InvalidParameter" || !strings.Contains(msg, `"`+param+`" is not supported by ecsd`) {
				t.Errorf("%s: HTTP %d %s %q, want 400 InvalidParameter naming %s", what, tea.IntValue(se.StatusCode), tea.StringValue(se.Code), msg, param)
			}
		}

		// A filter ecsd cannot apply must not answer the whole list.
		_, err := v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), LockReason: dara.String("security")})
		refused("DescribeDisks LockReason", err, "LockReason")
		if _, err := v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), LockReason: dara.String("")}); err != nil {
			t.Errorf("DescribeDisks with an empty LockReason: %v", err)
		}

		// AdditionalAttributes, which Terraform sends, asks for attributes
		// ecsd answers anyway; a value the API does not define is refused.
		attrs := func(a ...string) error {
			_, err := v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), AdditionalAttributes: dara.StringSlice(a)})
			return err
		}
		if err := attrs("META_OPTIONS", "NETWORK_PRIMARY_ENI_IP", "LOGIN_AS_NON_ROOT", "DISK_HIGH_DENSITY_MODE", "CPU_OPTIONS_TOPOLOGY_TYPE"); err != nil {
			t.Errorf("DescribeInstances with Terraform's AdditionalAttributes: %v", err)
		}
		var se2 *tea.SDKError
		if err := attrs("META_OPTIONS", "EVERYTHING"); !errors.As(err, &se2) || tea.StringValue(se2.Code) != "InvalidParameter" || !strings.Contains(tea.StringValue(se2.Message), "EVERYTHING") {
			t.Errorf("DescribeInstances AdditionalAttributes EVERYTHING: %v", err)
		}

		price := func(spot string) error {
			_, err := v2.DescribePrice(&ecs2.DescribePriceRequest{RegionId: dara.String("cn-hangzhou"), InstanceType: dara.String("ecs.g6.large"), SpotStrategy: dara.String(spot)})
			return err
		}
		refused("DescribePrice SpotStrategy", price("SpotAsPriceGo"), "SpotStrategy")
		if err := price("NoSpot"); err != nil {
			t.Errorf("DescribePrice SpotStrategy=NoSpot, the default: %v", err)
		}

		// Members of a list are named with their index.
		_, err = v2.RunInstances(&ecs2.RunInstancesRequest{
			RegionId: dara.String("cn-hangzhou"), ImageId: dara.String("aliyun_3_x64_20G_alibase_20240528.vhd"), InstanceType: dara.String("ecs.g6.large"),
			DataDisk: []*ecs2.RunInstancesRequestDataDisk{{Category: dara.String("cloud_essd"), Size: dara.Int32(40), Encrypted: dara.String("true")}},
		})
		refused("RunInstances DataDisk.1.Encrypted", err, "DataDisk.1.Encrypted")
		_, err = v2.RunInstances(&ecs2.RunInstancesRequest{
			RegionId: dara.String("cn-hangzhou"), ImageId: dara.String("aliyun_3_x64_20G_alibase_20240528.vhd"), InstanceType: dara.String("ecs.g6.large"),
			DeploymentSetId: dara.String("ds-bp1frxuzdg87zh4p****"),
		})
		refused("RunInstances DeploymentSetId", err, "DeploymentSetId")

		// Outside the model: ignored, as the real gateway does.
		_, err = v2.CallApi(&openapiutil.Params{
			Action: dara.String("DescribeRegions"), Version: dara.String("2014-05-26"), Protocol: dara.String("HTTP"),
			Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"), Style: dara.String("RPC"),
			ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
		}, &openapiutil.OpenApiRequest{Query: map[string]*string{"NotInAnyModel": dara.String("x")}}, &dara.RuntimeOptions{})
		if err != nil {
			t.Errorf("DescribeRegions with a parameter outside the model: %v", err)
		}

		// Go SDK v1 sends what is set, as strings.
		v1 := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
		r1 := ecs.CreateDescribeDisksRequest()
		r1.RegionId = "cn-hangzhou"
		r1.LockReason = "security"
		_, err = v1.DescribeDisks(r1)
		var se *sdkerrors.ServerError
		if !errors.As(err, &se) || se.HttpStatus() != 400 || se.ErrorCode() != "InvalidParameter" || !strings.Contains(se.Message(), `"LockReason"`) {
			t.Errorf("v1 DescribeDisks LockReason: %v", err)
		}
		r2 := ecs.CreateDescribeInstancesRequest()
		r2.RegionId, r2.ImageId, r2.VSwitchId, r2.VpcId = "cn-hangzhou", "", "", ""
		if _, err := v1.DescribeInstances(r2); err != nil {
			t.Errorf("v1 DescribeInstances: %v", err)
		}
	})
}

// TestParametersDoc holds docs/parameters.md, the README's per-action list
// of honoured and refused parameters, to the request structs. Run it with
// ECSD_UPDATE_DOCS=1 to rewrite the page.
func TestParametersDoc(t *testing.T) {
	t.Parallel()
	s := ecsdtest.Start(t, "sqlite", ecsdtest.Options{})
	var b strings.Builder
	if err := rpc.WriteParamsDoc(&b, s.Products); err != nil {
		t.Fatal(err)
	}
	const path = "../../docs/parameters.md"
	if os.Getenv("ECSD_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != b.String() {
		t.Errorf("docs/parameters.md is out of date with the request structs; rewrite it with ECSD_UPDATE_DOCS=1 go test ./internal/conformance -run TestParametersDoc")
	}
}
