package bss

import (
	"context"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// QueryAvailableInstancesRequest is QueryAvailableInstances' input.
type QueryAvailableInstancesRequest struct {
	Region           string `param:"Region"`
	ProductCode      string `param:"ProductCode"`
	ProductType      string `param:"ProductType"`
	SubscriptionType string `param:"SubscriptionType"`
	InstanceIDs      string `param:"InstanceIDs"`
	RenewStatus      string `param:"RenewStatus"`
	CreateTimeStart  string `param:"CreateTimeStart"`
	CreateTimeEnd    string `param:"CreateTimeEnd"`
	EndTimeStart     string `param:"EndTimeStart"`
	EndTimeEnd       string `param:"EndTimeEnd"`
	PageNum          *int   `param:"PageNum"`
	PageSize         *int   `param:"PageSize"`
}

// QueryAvailableInstancesData is a page of the account's instances of
// every product (ecsd sells only ECS).
type QueryAvailableInstancesData struct {
	PageNum      int
	PageSize     int
	TotalCount   int
	InstanceList []AvailableInstanceView
}

// AvailableInstanceView is an instance as billing sees it.
type AvailableInstanceView struct {
	InstanceID          string
	ProductCode         string
	ProductType         string
	SubscriptionType    string
	Region              string
	Status              string
	SubStatus           string
	RenewStatus         string
	RenewalDuration     int
	RenewalDurationUnit string
	CreateTime          string
	EndTime             string
	Seller              string
}

// bssRenewStatus maps an instance's renewal status onto BSS's words.
var bssRenewStatus = map[string]string{
	store.RenewalNormal: "ManualRenewal", store.RenewalAutoRenewal: "AutoRenewal", store.RenewalNotRenewal: "NotRenewal",
}

// queryAvailableInstances handles QueryAvailableInstances: the account's
// ECS instances, filtered as asked; another product's code or type lists
// nothing. The Terraform provider calls it on every command (product
// vipcloudfw) to learn the account's site: a success says domestic.
func queryAvailableInstances(ctx context.Context, env *rpc.Env, req *QueryAvailableInstancesRequest) (*QueryAvailableInstancesData, error) {
	page, size := 1, 20
	if req.PageNum != nil {
		page = *req.PageNum
	}
	if req.PageSize != nil {
		size = *req.PageSize
	}
	if page < 1 || size < 1 || size > 300 {
		return nil, apierr.InvalidParameter.Newf("PageNum starts at 1 and PageSize is 1 to 300.")
	}
	var charge string
	switch req.SubscriptionType {
	case "":
	case "Subscription":
		charge = store.PrePaid
	case "PayAsYouGo":
		charge = store.PostPaid
	default:
		return nil, apierr.InvalidParameter.Newf("The specified SubscriptionType %q is not valid; use Subscription or PayAsYouGo.", req.SubscriptionType)
	}
	switch req.RenewStatus {
	case "", "AutoRenewal", "ManualRenewal", "NotRenewal":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified RenewStatus %q is not valid; use AutoRenewal, ManualRenewal or NotRenewal.", req.RenewStatus)
	}
	var times [4]time.Time
	for k, v := range [...]struct{ name, val string }{
		{"CreateTimeStart", req.CreateTimeStart}, {"CreateTimeEnd", req.CreateTimeEnd}, {"EndTimeStart", req.EndTimeStart}, {"EndTimeEnd", req.EndTimeEnd},
	} {
		var err error
		if times[k], err = optTime(v.name, v.val); err != nil {
			return nil, err
		}
	}
	data := &QueryAvailableInstancesData{PageNum: page, PageSize: size, InstanceList: []AvailableInstanceView{}}
	if (req.ProductCode != "" && req.ProductCode != "ecs") || (req.ProductType != "" && req.ProductType != "ecs") {
		return data, nil
	}
	f := store.InstanceFilter{AccountID: env.Caller.AccountID, RegionID: req.Region, ChargeType: charge}
	if ids := strings.Split(req.InstanceIDs, ","); req.InstanceIDs != "" {
		f.IDs = ids
	}
	list, _, err := env.Q().InstanceList(ctx, f)
	if err != nil {
		return nil, err
	}
	var all []AvailableInstanceView
	for _, i := range list {
		renew := bssRenewStatus[i.RenewalStatus]
		if i.ChargeType == store.PostPaid {
			renew = ""
		}
		switch {
		case req.RenewStatus != "" && req.RenewStatus != renew,
			!times[0].IsZero() && i.CreationTime.Before(times[0]), !times[1].IsZero() && i.CreationTime.After(times[1]),
			!times[2].IsZero() && (i.ExpiredTime.IsZero() || i.ExpiredTime.Before(times[2])), !times[3].IsZero() && (i.ExpiredTime.IsZero() || i.ExpiredTime.After(times[3])):
			continue
		}
		v := AvailableInstanceView{
			InstanceID: i.ID, ProductCode: "ecs", ProductType: "ecs", SubscriptionType: subscriptionType(i.ChargeType), Region: i.RegionID,
			Status: "Normal", SubStatus: "Normal", RenewStatus: renew, CreateTime: timeString(i.CreationTime), Seller: "aliyun",
		}
		if i.Expired {
			v.Status = "Expired"
		}
		if i.ChargeType == store.PrePaid {
			v.EndTime = timeString(i.ExpiredTime)
			if i.AutoRenew {
				v.RenewalDuration, v.RenewalDurationUnit = i.AutoRenewPeriod, "M"
				if i.AutoRenewUnit == "Week" {
					v.RenewalDurationUnit = "W"
				}
			}
		}
		all = append(all, v)
	}
	data.TotalCount = len(all)
	from := min((page-1)*size, len(all))
	data.InstanceList = append(data.InstanceList, all[from:min(from+size, len(all))]...)
	return data, nil
}
