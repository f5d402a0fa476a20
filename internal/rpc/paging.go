package rpc

import "github.com/ecsd/ecsd/internal/apierr"

// MaxPageNumber is the largest page number any paged action accepts. It
// keeps the offset (PageNumber-1)*PageSize far from overflowing: a page
// beyond it could never hold anything an account owns.
const MaxPageNumber = 1_000_000

// Page is a validated page number and size.
type Page struct {
	Number, Size int
}

// Offset is how many items come before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Paging validates the optional page number (named numberName on the wire:
// PageNumber for ECS, PageNum for BSS) and PageSize. Each defaults when
// absent; a number outside 1–MaxPageNumber or a size outside 1–maxSize is
// InvalidParameter, never clamped.
func Paging(numberName string, number, size *int, defSize, maxSize int) (Page, error) {
	p := Page{Number: 1, Size: defSize}
	if number != nil {
		p.Number = *number
	}
	if size != nil {
		p.Size = *size
	}
	if p.Number < 1 || p.Number > MaxPageNumber {
		return Page{}, apierr.InvalidParameter.Newf("The specified parameter %s %d is not valid: use 1 to %d.", numberName, p.Number, MaxPageNumber)
	}
	if p.Size < 1 || p.Size > maxSize {
		return Page{}, apierr.InvalidParameter.Newf("The specified parameter PageSize %d is not valid: use 1 to %d.", p.Size, maxSize)
	}
	return p, nil
}

// Limit validates an optional MaxResults-style count: absent is def, and a
// value outside lo–hi is InvalidParameter, never clamped.
func Limit(name string, v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, apierr.InvalidParameter.Newf("The specified parameter %s %d is not valid: use %d to %d.", name, *v, lo, hi)
	}
	return *v, nil
}

// MaxResults validates the MaxResults of an action that pages by NextToken
// and documents that a value below floor gives floor: absent or below floor
// is floor, and a value outside 1–hi is InvalidParameter, never clamped.
func MaxResults(v *int, floor, hi int) (int, error) {
	n, err := Limit("MaxResults", v, floor, 1, hi)
	return max(n, floor), err
}
