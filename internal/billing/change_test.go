package billing

import (
	"testing"
	"time"
)

func TestUpgradeFeeAndRefundWorkedExample(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	expires := now.Add(184 * 24 * time.Hour)
	// ARCHITECTURE.md §5: 300 × 4416 / 720 = 1840.00.
	if got := UpgradeFee(30000, 60000, now, expires); got != 184000 {
		t.Errorf("upgrade fee %v, want 1840.00", got)
	}
	// Ten minutes later, all paid in cash: Hd = 4415 → 1839.58.
	later := now.Add(10 * time.Minute)
	if got := DowngradeRefund(60000, 30000, later, expires, 30000+184000, 0, 0); got != 183958 {
		t.Errorf("refund %v, want 1839.58", got)
	}
	// A partial hour is charged as a whole hour on upgrade.
	if got := UpgradeFee(30000, 60000, later, expires); got != 184000 {
		t.Errorf("upgrade fee 10 minutes in: %v, want 1840.00 (H = ceil)", got)
	}
}

func TestDowngradeRefundCashShareAndCap(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	expires := now.Add(720 * time.Hour)
	// Value 300.00; half paid by vouchers → refund 150.00.
	if got := DowngradeRefund(60000, 30000, now, expires, 30000, 30000, 0); got != 15000 {
		t.Errorf("got %v, want 150.00", got)
	}
	// Capped at cash not yet refunded.
	if got := DowngradeRefund(60000, 30000, now, expires, 30000, 0, 25000); got != 5000 {
		t.Errorf("got %v, want 50.00 (cap)", got)
	}
	// All vouchers: nothing back.
	if got := DowngradeRefund(60000, 30000, now, expires, 0, 60000, 0); got != 0 {
		t.Errorf("got %v, want 0", got)
	}
	// Expired: nothing back; no upgrade fee either.
	if got := DowngradeRefund(60000, 30000, expires, expires, 30000, 0, 0); got != 0 {
		t.Errorf("got %v", got)
	}
	if got := UpgradeFee(30000, 60000, expires, expires); got != 0 {
		t.Errorf("got %v", got)
	}
}
