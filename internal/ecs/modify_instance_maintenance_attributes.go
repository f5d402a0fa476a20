package ecs

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceMaintenanceAttributesRequest is its action's input.
type ModifyInstanceMaintenanceAttributesRequest struct {
	RegionId            string   `param:"RegionId,required"`
	InstanceId          []string `param:"InstanceId"`
	ActionOnMaintenance string   `param:"ActionOnMaintenance"`
	NotifyOnMaintenance *bool    `param:"NotifyOnMaintenance"`
	MaintenanceWindow   []struct {
		StartTime string `param:"StartTime"`
		EndTime   string `param:"EndTime"`
	} `param:"MaintenanceWindow"`
}

// ModifyInstanceMaintenanceAttributesResponse is its action's answer.
type ModifyInstanceMaintenanceAttributesResponse struct {
	rpc.Response
}

// modifyInstanceMaintenanceAttributes handles
// ModifyInstanceMaintenanceAttributes. What is not given stays as it was;
// windows, when given, replace the old ones.
func (s *Service) modifyInstanceMaintenanceAttributes(ctx context.Context, env *rpc.Env, req *ModifyInstanceMaintenanceAttributesRequest) (*ModifyInstanceMaintenanceAttributesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	windows, err := maintenanceWindows(req)
	if err != nil {
		return nil, err
	}
	list, err := ownedInstances(ctx, env, req.RegionId, "InstanceId", req.InstanceId)
	if err != nil {
		return nil, err
	}
	for _, i := range list {
		action, notify, w := i.MaintenanceAction, i.MaintenanceNotify, i.MaintenanceWindows
		if req.ActionOnMaintenance != "" {
			t, _ := s.Catalog.Type(i.InstanceType)
			if supported, _ := maintenanceActions(t); !slices.Contains(supported, req.ActionOnMaintenance) {
				return nil, apierr.InvalidParameter.Newf("The specified parameter ActionOnMaintenance %q is not valid for instance %s; use %s.", req.ActionOnMaintenance, i.ID, strings.Join(supported, " or "))
			}
			action = req.ActionOnMaintenance
		}
		if req.NotifyOnMaintenance != nil {
			notify = *req.NotifyOnMaintenance
		}
		if windows != nil {
			w = windows
		}
		if err := env.Tx.InstanceSetMaintenance(ctx, i.ID, action, notify, w); err != nil {
			return nil, err
		}
	}
	return &ModifyInstanceMaintenanceAttributesResponse{}, nil
}

// maintenanceWindows checks MaintenanceWindow.N: one window, both ends on
// the hour as HH:mm:ss (UTC+8), the end 1 to 23 hours after the start.
// It returns nil when none is given.
func maintenanceWindows(req *ModifyInstanceMaintenanceAttributesRequest) ([]store.MaintenanceWindow, error) {
	if len(req.MaintenanceWindow) == 0 {
		return nil, nil
	}
	if len(req.MaintenanceWindow) > 1 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter MaintenanceWindow is not valid: at most one window (MaintenanceWindow.1) is allowed.")
	}
	w := req.MaintenanceWindow[0]
	start, err1 := time.Parse(time.TimeOnly, w.StartTime)
	end, err2 := time.Parse(time.TimeOnly, w.EndTime)
	switch {
	case err1 != nil || start.Minute() != 0 || start.Second() != 0:
		return nil, apierr.InvalidParameter.Newf("The specified parameter MaintenanceWindow.1.StartTime %q is not valid: give an hour as HH:00:00 (UTC+8).", w.StartTime)
	case err2 != nil || end.Minute() != 0 || end.Second() != 0:
		return nil, apierr.InvalidParameter.Newf("The specified parameter MaintenanceWindow.1.EndTime %q is not valid: give an hour as HH:00:00 (UTC+8).", w.EndTime)
	case !end.After(start):
		return nil, apierr.InvalidParameter.Newf("The specified parameter MaintenanceWindow.1.EndTime %q is not valid: it must be 1 to 23 hours after StartTime %q.", w.EndTime, w.StartTime)
	}
	return []store.MaintenanceWindow{{StartTime: w.StartTime, EndTime: w.EndTime}}, nil
}
