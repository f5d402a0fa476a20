package billing

import (
	"testing"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/money"
)

func TestPriceOfTheTypeAlone(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	// ecs.g6.large costs 300.00 a month in cn-hangzhou (catalog doc).
	for _, tc := range []struct {
		unit           PriceUnit
		period, amount int
		want           money.Amount
	}{
		{Hour, 1, 1, 42},         // 300 / 720 = 0.41666… → 0.42
		{Hour, 1, 2, 84},         // each instance rounded on its own
		{Hour, 3, 1, 125},        // 900 / 720 = 1.25
		{Week, 1, 1, 7000},       // 300 × 7 / 30
		{Week, 2, 1, 14000},      // 300 × 14 / 30
		{Month, 1, 1, 30000},     // P
		{Month, 3, 2, 180000},    // 300 × 3 × 2
		{Year, 1, 1, 360000},     // 300 × 12
		{Year, 5, 1000, 1800e6},  // the largest DescribePrice allows
		{Month, 9, 1000, 2700e5}, // 300 × 9 × 1000
	} {
		got, err := Price(c, Config{RegionID: "cn-hangzhou", InstanceType: "ecs.g6.large"}, tc.unit, tc.period, tc.amount)
		if err != nil || got.Total != tc.want {
			t.Errorf("Price(%s×%d, amount %d) = %s, %v; want %s", tc.unit, tc.period, tc.amount, got.Total, err, tc.want)
		}
	}
}

func TestProrateRoundsHalfUpOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p      money.Amount
		unit   PriceUnit
		period int
		want   money.Amount
	}{
		{15, Week, 1, 4},      // 15 × 7 / 30 = 3.5 → 4
		{45, Week, 1, 11},     // 10.5 → 11
		{360, Hour, 1, 1},     // 0.5 → 1
		{359, Hour, 1, 0},     // 0.4986… → 0
		{30000, Hour, 5, 208}, // 208.33… once, not 5 × 42 = 210
	} {
		num, den := int64(tc.period), int64(HoursPerMonth)
		if tc.unit == Week {
			num, den = 7*int64(tc.period), daysPerMonth
		}
		got := Quote{Lines: []Line{{ResourceInstanceType, tc.p}}}.prorate(num, den)
		if got.Total != tc.want || got.Lines[0].Price != tc.want {
			t.Errorf("prorate(%d, %s, %d) = %+v; want %d", tc.p, tc.unit, tc.period, got, tc.want)
		}
	}
}

func TestPriceErrors(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	for _, tc := range []struct {
		name, region, typ string
		unit              PriceUnit
		period, amount    int
		want              *apierr.Def
	}{
		{"unknown type", "cn-hangzhou", "ecs.nope.large", Month, 1, 1, apierr.InvalidInstanceTypeValueNotSupported},
		{"unknown region", "xx-nowhere-1", "ecs.g6.large", Month, 1, 1, apierr.InvalidInstanceTypeValueNotSupported},
		{"unit", "cn-hangzhou", "ecs.g6.large", "Day", 1, 1, apierr.InvalidPriceUnit},
		{"period", "cn-hangzhou", "ecs.g6.large", Month, 0, 1, apierr.InvalidPeriod},
		{"amount", "cn-hangzhou", "ecs.g6.large", Month, 1, 0, apierr.InvalidAmount},
	} {
		_, err := Price(c, Config{RegionID: tc.region, InstanceType: tc.typ}, tc.unit, tc.period, tc.amount)
		if !tc.want.Is(err) {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want.Code)
		}
	}
}

func TestRetiredTypesKeepTheirPrice(t *testing.T) {
	t.Parallel()
	// n4 is retired but priced everywhere: its instances still change type.
	if _, err := MonthlyPrice(catalog.Default(), "cn-hangzhou", "ecs.n4.large"); err != nil {
		t.Fatal(err)
	}
}
