package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeInstanceStatusRequest is DescribeInstanceStatus' input.
type DescribeInstanceStatusRequest struct {
	rpc.AccountDelegation
	RegionId   string     `param:"RegionId,required"`
	ZoneId     string     `param:"ZoneId"`
	InstanceId []string   `param:"InstanceId"`
	PageNumber *int       `param:"PageNumber"`
	PageSize   *int       `param:"PageSize"`
	_          rpc.Refuse `refuse:"ClusterId" why:"clusters are not modelled"`
}

// DescribeInstanceStatusResponse lists instance statuses.
type DescribeInstanceStatusResponse struct {
	rpc.Response
	TotalCount       int
	PageNumber       int
	PageSize         int
	InstanceStatuses struct {
		InstanceStatus []InstanceStatusItem
	}
}

// InstanceStatusItem is one instance's status.
type InstanceStatusItem struct {
	InstanceId string
	Status     string
}

// describeInstanceStatus handles DescribeInstanceStatus.
func (s *Service) describeInstanceStatus(ctx context.Context, env *rpc.Env, req *DescribeInstanceStatusRequest) (*DescribeInstanceStatusResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if len(req.InstanceId) > 100 {
		return nil, apierr.InvalidParameter.Newf("At most 100 InstanceId.N are allowed.")
	}
	page, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, 10, 50)
	if err != nil {
		return nil, err
	}
	f := store.InstanceFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId, ZoneID: req.ZoneId, Offset: page.Offset(), Limit: page.Size}
	if len(req.InstanceId) > 0 {
		f.IDs = req.InstanceId
	}
	list, total, err := env.Q().InstanceList(ctx, f)
	if err != nil {
		return nil, err
	}
	resp := &DescribeInstanceStatusResponse{TotalCount: total, PageNumber: page.Number, PageSize: page.Size}
	resp.InstanceStatuses.InstanceStatus = []InstanceStatusItem{}
	for _, i := range list {
		resp.InstanceStatuses.InstanceStatus = append(resp.InstanceStatuses.InstanceStatus, InstanceStatusItem{InstanceId: i.ID, Status: i.Status})
	}
	return resp, nil
}
