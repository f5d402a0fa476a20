package conformance

import (
	"errors"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// An instance id carries its region's prefix ("i-bp…" is cn-hangzhou's): a
// spec change that names it in another region is InvalidParameter.InstanceId
// (403), whether or not such an instance exists.
func TestSpecChangeInstanceIDOfAnotherRegion(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		c := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
		m := ecs.CreateModifyPrepayInstanceSpecRequest()
		m.RegionId, m.InstanceId, m.InstanceType = "cn-shanghai", "i-bp1234567890abcdefgh", "ecs.g6.xlarge"
		_, err := c.ModifyPrepayInstanceSpec(m)
		var se *sdkerrors.ServerError
		if !errors.As(err, &se) || se.ErrorCode() != "InvalidParameter.InstanceId" || se.HttpStatus() != 403 {
			t.Fatalf("got %v, want InvalidParameter.InstanceId 403", err)
		}
		// In its own region the same id is simply not found.
		m = ecs.CreateModifyPrepayInstanceSpecRequest()
		m.RegionId, m.InstanceId, m.InstanceType = "cn-hangzhou", "i-bp1234567890abcdefgh", "ecs.g6.xlarge"
		_, err = c.ModifyPrepayInstanceSpec(m)
		if !errors.As(err, &se) || se.ErrorCode() != "InvalidInstanceId.NotFound" || se.HttpStatus() != 404 {
			t.Fatalf("got %v, want InvalidInstanceId.NotFound 404", err)
		}
	})
}
