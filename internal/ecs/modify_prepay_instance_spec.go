package ecs

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/vpc"
)

// ModifyPrepayInstanceSpecRequest is ModifyPrepayInstanceSpec's input
// (spec/ModifyPrepayInstanceSpec.txt, "Request parameters").
type ModifyPrepayInstanceSpecRequest struct {
	rpc.AccountDelegation
	InstanceId        string `param:"InstanceId,required"`
	RegionId          string `param:"RegionId,required"`
	InstanceType      string `param:"InstanceType,required"`
	OperatorType      string `param:"OperatorType"`
	ClientToken       string `param:"ClientToken"`
	AutoPay           *bool  `param:"AutoPay"`
	MigrateAcrossZone bool   `param:"MigrateAcrossZone"`
	SystemDisk        struct {
		Category string `param:"Category"`
	} `param:"SystemDisk"`
	RebootTime         string `param:"RebootTime"`
	EndTime            string `param:"EndTime"`
	RebootWhenFinished bool   `param:"RebootWhenFinished"`
	ModifyMode         string `param:"ModifyMode"`
	Disk               []struct {
		DiskId           string `param:"DiskId"`
		Category         string `param:"Category"`
		PerformanceLevel string `param:"PerformanceLevel"`
	} `param:"Disk"`
}

// ModifyPrepayInstanceSpecResponse is its answer.
type ModifyPrepayInstanceSpecResponse struct {
	rpc.Response
	OrderId string
}

func (req *ModifyPrepayInstanceSpecRequest) change() SpecChange {
	c := SpecChange{
		RegionID: req.RegionId, InstanceID: req.InstanceId, InstanceType: req.InstanceType, OperatorType: req.OperatorType,
		AutoPay: req.AutoPay == nil || *req.AutoPay, MigrateAcrossZone: req.MigrateAcrossZone,
		SystemDiskCategory: req.SystemDisk.Category, RebootTime: req.RebootTime, EndTime: req.EndTime,
		RebootWhenFinished: req.RebootWhenFinished, ModifyMode: req.ModifyMode,
	}
	for _, d := range req.Disk {
		c.Disks = append(c.Disks, DiskChange{DiskID: d.DiskId, Category: d.Category, PerformanceLevel: d.PerformanceLevel})
	}
	return c
}

// modifyPrepayInstanceSpec handles ModifyPrepayInstanceSpec.
func (s *Service) modifyPrepayInstanceSpec(ctx context.Context, env *rpc.Env, req *ModifyPrepayInstanceSpecRequest) (*ModifyPrepayInstanceSpecResponse, error) {
	in := req.change()
	plan, err := s.checkSpecChange(ctx, env, in, ruleOpts{})
	if err != nil {
		return nil, err
	}
	o, err := s.acceptChange(ctx, env, in, plan)
	if err != nil {
		return nil, err
	}
	return &ModifyPrepayInstanceSpecResponse{OrderId: o.ID}, nil
}

// changeConfig is what a change order records: enough to apply it later.
type changeConfig struct {
	From               string
	To                 string
	FromZoneId         string
	ZoneId             string
	EndTime            string       `json:",omitempty"`
	RebootTime         string       `json:",omitempty"`
	RebootWhenFinished bool         `json:",omitempty"`
	Online             bool         `json:",omitempty"`
	RefundedVcpu       int          `json:",omitempty"`
	Disks              []DiskChange `json:",omitempty"`
	// SystemDisk is the system disk's move to SystemDisk.Category.
	SystemDisk *DiskChange `json:",omitempty"`
}

// acceptChange turns a checked plan into an order, in the request's
// transaction: the in-flight claim (LastOrderProcessing for the loser of a
// race), the order, the payment or refund, the stock move and the job that
// applies the change. With AutoPay=false an upgrade waits Unpaid.
func (s *Service) acceptChange(ctx context.Context, env *rpc.Env, in SpecChange, p *specChangePlan) (*store.Order, error) {
	tx, now := env.Tx, env.Now
	o := &store.Order{
		ID: billing.NewOrderID(), AccountID: p.inst.AccountID, PaymentStatus: store.PaymentUnpaid,
		RegionID: p.inst.RegionID, ChargeType: store.PrePaid, InstanceType: p.to.InstanceTypeId, Quantity: 1,
		UsageStart: now, UsageEnd: p.until, CreatedAt: now, InstanceIDs: []string{p.inst.ID},
	}
	cfg := changeConfig{
		From: p.inst.InstanceType, To: p.to.InstanceTypeId, FromZoneId: p.inst.ZoneID, ZoneId: p.zoneID,
		RebootWhenFinished: in.RebootWhenFinished, Online: p.online, Disks: in.Disks,
	}
	for _, d := range p.disks {
		if d.disk.Type == store.DiskSystem {
			cfg.SystemDisk = &DiskChange{DiskID: d.disk.ID, Category: d.category}
		}
	}
	if !p.rebootAt.IsZero() {
		cfg.RebootTime = p.rebootAt.Format(time.RFC3339)
	}
	switch {
	case p.direction == Downgrade:
		o.Type = store.OrderDowngrade
		cfg.RefundedVcpu = max(p.from.CpuCoreCount-p.to.CpuCoreCount, 0)
		o.RefundedVCPU = cfg.RefundedVcpu
	case p.temporary:
		o.Type = store.OrderTempUpgrade
		cfg.EndTime = p.until.Format(time.RFC3339)
	default:
		o.Type = store.OrderUpgrade
	}
	raw, _ := json.Marshal(cfg)
	o.Config = string(raw)

	// The compare-and-set comes first: of concurrent changes one wins here
	// and the others stop before touching money or stock.
	won, err := tx.InstanceClaimChange(ctx, p.inst.ID, o.ID, store.PrePaid)
	if err != nil {
		return nil, err
	}
	if !won {
		return nil, apierr.LastOrderProcessing.New()
	}
	paidNow := p.direction == Downgrade || in.AutoPay
	if paidNow {
		// The job runs only after this transaction commits; inserting it
		// before the account's lock keeps that lock short.
		if err := s.after(ctx, tx, s.ChangeDelay, SpecChangeArgs{InstanceID: o.InstanceIDs[0], OrderID: o.ID}); err != nil {
			return nil, err
		}
	}
	// The quotas, checked again where concurrent changes of the account's
	// instances cannot together pass one: a downgrade takes its place in
	// the month's count by compare-and-set; an upgrade reads the vCPUs in
	// use under the account's lock, which the money below takes.
	if p.direction == Downgrade {
		ok, err := tx.DowngradeCountAdd(ctx, o.AccountID, billing.MonthStart(now), o.RefundedVCPU, p.acc.Flags.DowngradeQuota, p.acc.Flags.RefundVCPUQuota)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, s.quotaPassed(ctx, env, p)
		}
	}
	switch {
	case p.direction == Downgrade:
		// AutoPay is ignored for downgrades: the refund goes to the cash
		// balance at once; vouchers are never refunded.
		o.Amount, o.CashPaid = -int64(p.amount), -int64(p.amount)
		o.PaymentStatus, o.PaidAt = store.PaymentPaid, now
		err = billing.Refund(ctx, tx, now, o.AccountID, o.ID, p.amount)
	case in.AutoPay:
		o.Amount = int64(p.amount)
		err = s.charge(ctx, tx, now, o)
	default:
		o.Amount = int64(p.amount)
		_, err = tx.AccountLock(ctx, o.AccountID)
	}
	if err != nil {
		return nil, err
	}
	if p.direction == Upgrade {
		if err := s.checkChangeQuotas(ctx, env, p.acc, p.inst, p.from, p.to, p.direction, now); err != nil {
			return nil, err
		}
	}
	if err := tx.OrderInsert(ctx, o); err != nil {
		return nil, err
	}
	if !paidNow {
		return o, tx.TimerInsert(ctx, &store.Timer{Kind: timerUnpaidOrder, Subject: o.ID, DueAt: now.Add(s.UnpaidOrderTTL)})
	}
	// Stock rows are shared by every account: moved last, right before the
	// commit, so that a change of another account waits on them only that
	// long.
	tx.Last(func(ctx context.Context) error { return s.moveStock(ctx, tx, o) })
	return o, nil
}

// quotaPassed is the error of a change that a concurrent one has left
// beyond a quota: the quota rule's own, read again.
func (s *Service) quotaPassed(ctx context.Context, env *rpc.Env, p *specChangePlan) error {
	if err := s.checkChangeQuotas(ctx, env, p.acc, p.inst, p.from, p.to, p.direction, env.Now); err != nil {
		return err
	}
	return apierr.InstanceDowngradeQuotaExceed.New()
}

// fulfilChange carries out a change order paid later: the stock moves from
// the old type to the new one (in one transaction with the payment), and
// the job that applies the change is scheduled after the change delay.
func (s *Service) fulfilChange(ctx context.Context, tx *store.Tx, o *store.Order) error {
	if err := s.moveStock(ctx, tx, o); err != nil {
		return err
	}
	return s.after(ctx, tx, s.ChangeDelay, SpecChangeArgs{InstanceID: o.InstanceIDs[0], OrderID: o.ID})
}

// moveStock moves a change order's instance from the old type's stock to
// the new one's: OperationDenied.NoStock when the new type has run out.
func (s *Service) moveStock(ctx context.Context, tx *store.Tx, o *store.Order) error {
	var cfg changeConfig
	if err := json.Unmarshal([]byte(o.Config), &cfg); err != nil {
		return err
	}
	ok, err := tx.StockMove(ctx, cfg.FromZoneId, cfg.From, cfg.ZoneId, cfg.To, 1)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.OperationDeniedNoStock.Newf("The specified instance is out of usage: zone %s has no %s left.", cfg.ZoneId, cfg.To)
	}
	return nil
}

// SpecChangeArgs asks for an accepted change to be applied.
type SpecChangeArgs struct {
	InstanceID string `json:"instance_id"`
	OrderID    string `json:"order_id"`
}

func (SpecChangeArgs) Kind() string { return "spec_change" }

// moveNetwork gives an instance moving to another zone a vSwitch of that
// zone in its VPC and a new private IP from it, releasing the old one.
func (s *Service) moveNetwork(ctx context.Context, tx *store.Tx, inst *store.Instance, zoneID string, now time.Time) (string, string, error) {
	region, _ := s.Catalog.Region(inst.RegionID)
	v, err := tx.VpcGet(ctx, inst.AccountID, "", inst.VpcID)
	if err != nil {
		return "", "", err
	}
	sw, err := vpc.ZoneVSwitch(ctx, tx, region, v, zoneID, now)
	if err != nil {
		return "", "", err
	}
	if sw == nil {
		return "", "", apierr.InvalidVSwitchIDIpNotEnough.Newf("The VPC %s has no vSwitch with a free address in zone %s.", v.ID, zoneID)
	}
	if err := tx.PrivateIPFree(ctx, inst.VpcID, inst.PrivateIP); err != nil {
		return "", "", err
	}
	ip, err := vpc.AllocateIP(ctx, tx, sw, inst.ID, "")
	return sw.ID, ip, err
}

// applyChange applies an accepted change, exactly once: the instance's
// in-flight order is compared and cleared in the same statement. What
// clients then see (ARCHITECTURE.md §4): the new InstanceType, Cpu and
// Memory, even while Stopped; Stopped stays Stopped; RebootWhenFinished
// restarts a Running instance; RebootTime schedules that restart; EndTime
// schedules the revert.
func (s *Service) applyChange(ctx context.Context, tx *store.Tx, args SpecChangeArgs, now time.Time) error {
	o, err := tx.OrderGetByID(ctx, args.OrderID)
	if err != nil {
		return ignoreNotFound(err)
	}
	inst, err := tx.InstanceGetByID(ctx, args.InstanceID)
	if err != nil {
		return ignoreNotFound(err)
	}
	var cfg changeConfig
	if err := json.Unmarshal([]byte(o.Config), &cfg); err != nil {
		return err
	}
	change := s.typeChange(inst, cfg.To, cfg.ZoneId, now)
	change.Online = cfg.Online
	if cfg.EndTime != "" {
		end, err := time.Parse(time.RFC3339, cfg.EndTime)
		if err != nil {
			return err
		}
		change.ElasticUntil, change.ElasticFromType = end, cfg.From
	}
	applied, err := s.applyTypeChange(ctx, tx, inst, o.ID, change)
	if err != nil || !applied {
		return err
	}
	moves := cfg.Disks
	if cfg.SystemDisk != nil {
		moves = append(slices.Clone(moves), *cfg.SystemDisk)
	}
	for _, d := range moves {
		pl := d.PerformanceLevel
		if d.Category == "cloud_essd" && pl == "" {
			pl = "PL1"
		}
		if err := tx.DiskSetCategory(ctx, d.DiskID, d.Category, pl); err != nil && err != store.ErrNotFound {
			return err
		}
	}
	if cfg.RebootWhenFinished && inst.Status == store.StatusRunning {
		if err := s.reboot(ctx, tx, inst.ID, now); err != nil {
			return err
		}
	}
	if cfg.RebootTime != "" {
		at, err := time.Parse(time.RFC3339, cfg.RebootTime)
		if err != nil {
			return err
		}
		if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerReboot, Subject: inst.ID, DueAt: at}); err != nil {
			return err
		}
	}
	if !change.ElasticUntil.IsZero() {
		return tx.TimerInsert(ctx, &store.Timer{Kind: timerElasticRevert, Subject: inst.ID, DueAt: change.ElasticUntil})
	}
	return nil
}

// typeChange is the change of an instance to typ in zoneID. Across zones
// the instance gets the new zone's vSwitch and a new private IP (spec:
// MigrateAcrossZone).
func (s *Service) typeChange(inst *store.Instance, typ, zoneID string, now time.Time) store.SpecChange {
	c := store.SpecChange{InstanceType: typ, ZoneID: inst.ZoneID, VSwitchID: inst.VSwitchID, PrivateIP: inst.PrivateIP, At: now}
	if zoneID != inst.ZoneID {
		// applyTypeChange picks the vSwitch of the new zone and the address.
		c.ZoneID, c.VSwitchID, c.PrivateIP = zoneID, "", ""
	}
	return c
}

// applyTypeChange writes a change that claimID holds in flight, clearing
// the claim, and moves the disks with the instance. False: the claim was
// gone (a job run twice applies it once).
func (s *Service) applyTypeChange(ctx context.Context, tx *store.Tx, inst *store.Instance, claimID string, c store.SpecChange) (bool, error) {
	if c.ZoneID != inst.ZoneID {
		var err error
		if c.VSwitchID, c.PrivateIP, err = s.moveNetwork(ctx, tx, inst, c.ZoneID, c.At); err != nil {
			return false, err
		}
	}
	applied, err := tx.InstanceApplyChange(ctx, inst.ID, claimID, c)
	if err != nil || !applied {
		return applied, err
	}
	if c.ZoneID != inst.ZoneID {
		return true, tx.DiskMoveZone(ctx, inst.ID, c.ZoneID)
	}
	return true, nil
}

// reboot restarts a Running instance: Starting now, Running after the
// transition delay; a restart applies online changes.
func (s *Service) reboot(ctx context.Context, tx *store.Tx, id string, now time.Time) error {
	ok, err := tx.InstanceTransition(ctx, id, store.StatusRunning, store.StatusStarting, now)
	if err != nil || !ok {
		return err
	}
	if err := tx.InstanceResetOnlineChanges(ctx, id); err != nil {
		return err
	}
	return s.after(ctx, tx, s.TransitionDelay, TransitionArgs{InstanceID: id, From: store.StatusStarting, To: store.StatusRunning})
}

// revertElastic ends a temporary upgrade at its EndTime: the instance goes
// back to its type (no refund) and the stock moves back. If the old type has
// no stock left the revert still happens; that zone's stock of it stays 0.
func (s *Service) revertElastic(ctx context.Context, tx *store.Tx, id string, at time.Time) error {
	inst, err := tx.InstanceGetByID(ctx, id)
	if err != nil {
		return ignoreNotFound(err)
	}
	if inst.ElasticUntil.IsZero() || inst.ElasticUntil.After(at) || inst.InFlightOrderID != "" {
		return nil
	}
	back := inst.ElasticFromType
	revertID := "revert-" + inst.ID + "-" + at.Format("20060102150405")
	if ok, err := tx.InstanceClaimChange(ctx, inst.ID, revertID, store.PrePaid); err != nil || !ok {
		return err
	}
	if _, err := tx.InstanceApplyChange(ctx, inst.ID, revertID, store.SpecChange{
		InstanceType: back, ZoneID: inst.ZoneID, VSwitchID: inst.VSwitchID, PrivateIP: inst.PrivateIP, At: at,
	}); err != nil {
		return err
	}
	// The type goes back even when its stock has run out meanwhile.
	_, err = tx.StockMove(ctx, inst.ZoneID, inst.InstanceType, inst.ZoneID, back, 1)
	return err
}
