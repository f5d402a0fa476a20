package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeInstanceMaintenanceAttributesRequest is its action's input.
type DescribeInstanceMaintenanceAttributesRequest struct {
	RegionId   string   `param:"RegionId,required"`
	InstanceId []string `param:"InstanceId"`
	PageNumber *int     `param:"PageNumber"`
	PageSize   *int     `param:"PageSize"`
}

// DescribeInstanceMaintenanceAttributesResponse lists maintenance attributes.
type DescribeInstanceMaintenanceAttributesResponse struct {
	rpc.Response
	TotalCount            int
	PageNumber            int
	PageSize              int
	MaintenanceAttributes struct {
		MaintenanceAttribute []MaintenanceAttributeView
	}
}

// MaintenanceAttributeView is one instance's maintenance policy.
type MaintenanceAttributeView struct {
	InstanceId          string
	NotifyOnMaintenance bool
	MaintenanceWindows  struct {
		MaintenanceWindow []store.MaintenanceWindow
	}
	ActionOnMaintenance struct {
		Value, DefaultValue string
		SupportedValues     struct{ SupportedValue []string }
	}
}

// maintenanceActions returns the maintenance actions a type supports and
// its default: an instance on local disks is redeployed (its local data
// may be lost), any other is recovered in place.
func maintenanceActions(t *catalog.InstanceType) (supported []string, def string) {
	if t != nil && t.LocalStorageAmount > 0 {
		return []string{"Stop", "AutoRedeploy"}, "AutoRedeploy"
	}
	return []string{"Stop", "AutoRecover"}, "AutoRecover"
}

// describeInstanceMaintenanceAttributes handles
// DescribeInstanceMaintenanceAttributes.
func (s *Service) describeInstanceMaintenanceAttributes(ctx context.Context, env *rpc.Env, req *DescribeInstanceMaintenanceAttributesRequest) (*DescribeInstanceMaintenanceAttributesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	page, size, err := pageParams(req.PageNumber, req.PageSize, 10, 100)
	if err != nil {
		return nil, err
	}
	list, err := listedInstances(ctx, env, req.RegionId, "InstanceId", req.InstanceId)
	if err != nil {
		return nil, err
	}
	resp := &DescribeInstanceMaintenanceAttributesResponse{TotalCount: len(list), PageNumber: page, PageSize: size}
	resp.MaintenanceAttributes.MaintenanceAttribute = []MaintenanceAttributeView{}
	for _, i := range paginate(list, page, size) {
		t, _ := s.Catalog.Type(i.InstanceType)
		supported, def := maintenanceActions(t)
		v := MaintenanceAttributeView{InstanceId: i.ID, NotifyOnMaintenance: i.MaintenanceNotify}
		v.MaintenanceWindows.MaintenanceWindow = append([]store.MaintenanceWindow{}, i.MaintenanceWindows...)
		v.ActionOnMaintenance.Value, v.ActionOnMaintenance.DefaultValue = i.MaintenanceAction, def
		if v.ActionOnMaintenance.Value == "" {
			v.ActionOnMaintenance.Value = def
		}
		v.ActionOnMaintenance.SupportedValues.SupportedValue = supported
		resp.MaintenanceAttributes.MaintenanceAttribute = append(resp.MaintenanceAttributes.MaintenanceAttribute, v)
	}
	return resp, nil
}
