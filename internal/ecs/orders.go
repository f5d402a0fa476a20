package ecs

import (
	"context"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// charge pays for an order that is not stored yet, or is stored Unpaid:
// vouchers first, then cash. It returns Account.Arrearage for an account
// with overdue payments and InsufficientBalance when the balance falls
// short, having written nothing.
func (s *Service) charge(ctx context.Context, tx *store.Tx, now time.Time, o *store.Order) error {
	pay, err := billing.Pay(ctx, tx, now, o.AccountID, o.ID, money.Amount(o.Amount))
	if err != nil {
		return err
	}
	o.VoucherPaid, o.CashPaid = int64(pay.Voucher), int64(pay.Cash)
	o.PaymentStatus, o.PaidAt = store.PaymentPaid, now
	return nil
}

// fulfil carries out what a paid order bought.
func (s *Service) fulfil(ctx context.Context, tx *store.Tx, o *store.Order) error {
	switch o.Type {
	case store.OrderNew:
		for _, id := range o.InstanceIDs {
			if err := s.after(ctx, tx, s.TransitionDelay, TransitionArgs{InstanceID: id, From: store.StatusPending, To: store.StatusRunning}); err != nil {
				return err
			}
		}
	case store.OrderUpgrade, store.OrderTempUpgrade, store.OrderDowngrade:
		return s.fulfilChange(ctx, tx, o)
	case store.OrderConvert:
		return s.fulfilConvert(ctx, tx, o)
	}
	return nil
}

// payOrder pays a stored Unpaid order and fulfils it.
func (s *Service) payOrder(ctx context.Context, tx *store.Tx, now time.Time, o *store.Order) error {
	if err := s.charge(ctx, tx, now, o); err != nil {
		return err
	}
	paid, err := tx.OrderMarkPaid(ctx, o.ID, o.VoucherPaid, o.CashPaid, now)
	if err != nil {
		return err
	}
	if !paid {
		return apierr.InvalidParameter.Newf("The order %s is no longer Unpaid.", o.ID)
	}
	if err := tx.TimerCancel(ctx, timerUnpaidOrder, o.ID); err != nil {
		return err
	}
	return s.fulfil(ctx, tx, o)
}

// PayOrder pays an Unpaid order of any account, as the console does (the
// admin API calls it). Returns InvalidOrderId.NotFound, InvalidParameter if
// the order is not Unpaid, Account.Arrearage or InsufficientBalance.
func (s *Service) PayOrder(ctx context.Context, tx *store.Tx, now time.Time, orderID string) (*store.Order, error) {
	o, err := tx.OrderGetByID(ctx, orderID)
	if err == store.ErrNotFound {
		return nil, apierr.InvalidOrderIDNotFound.New()
	}
	if err != nil {
		return nil, err
	}
	if o.PaymentStatus != store.PaymentUnpaid {
		return nil, apierr.InvalidParameter.Newf("The order %s is %s; only Unpaid orders can be paid.", o.ID, o.PaymentStatus)
	}
	if err := s.payOrder(ctx, tx, now, o); err != nil {
		return nil, err
	}
	return tx.OrderGetByID(ctx, orderID)
}

// CancelOrder cancels an account's Unpaid order and undoes what waited for
// it: the instances of a New order are released and their stock returned.
// Returns InvalidOrderId.NotFound, or InvalidParameter if it is not Unpaid.
func (s *Service) CancelOrder(ctx context.Context, tx *store.Tx, accountID, orderID string) error {
	o, err := tx.OrderGet(ctx, accountID, orderID)
	if err == store.ErrNotFound {
		return apierr.InvalidOrderIDNotFound.New()
	}
	if err != nil {
		return err
	}
	return s.cancelOrder(ctx, tx, o)
}

func (s *Service) cancelOrder(ctx context.Context, tx *store.Tx, o *store.Order) error {
	ok, err := tx.OrderCancel(ctx, o.ID)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.InvalidParameter.Newf("The order %s is %s; only Unpaid orders can be cancelled.", o.ID, o.PaymentStatus)
	}
	if err := tx.TimerCancel(ctx, timerUnpaidOrder, o.ID); err != nil {
		return err
	}
	for _, id := range o.InstanceIDs {
		switch o.Type {
		case store.OrderNew:
			if err := s.release(ctx, tx, id); err != nil && err != store.ErrNotFound {
				return err
			}
		case store.OrderUpgrade, store.OrderTempUpgrade, store.OrderConvert:
			if err := tx.InstanceReleaseChange(ctx, id, o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// release deletes an instance with its disks and returns its stock.
func (s *Service) release(ctx context.Context, tx *store.Tx, id string) error {
	inst, err := tx.InstanceGetByID(ctx, id)
	if err != nil {
		return err
	}
	if err := tx.InstanceDelete(ctx, id); err != nil {
		return err
	}
	// Its private IPs and its places in security groups go with it.
	if err := tx.PrivateIPsRelease(ctx, id); err != nil {
		return err
	}
	if err := tx.MembershipsRelease(ctx, id); err != nil {
		return err
	}
	if err := tx.TimerCancel(ctx, timerExpiry, id); err != nil {
		return err
	}
	if err := tx.TimerCancel(ctx, timerAutoRelease, id); err != nil {
		return err
	}
	return tx.StockGive(ctx, inst.ZoneID, inst.InstanceType, 1)
}
