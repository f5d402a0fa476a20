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

// BothPage is the page of an action that pages both ways: by NextToken and
// MaxResults when either is given, else by PageNumber and PageSize.
type BothPage struct {
	Token bool
	// Number and Size are what the answer reports: 1 and MaxResults when
	// paging by token.
	Page
	// Offset and Limit are what to read; by token Limit is one more than
	// Size, the extra row telling that a next page exists.
	Offset, Limit int
}

// BothPaging validates the paging of an action with both styles. PageSize
// defaults to 10 and is at most maxSize; MaxResults is documented to give
// floor below floor, and is at most maxResults. Out of range is
// InvalidParameter, never clamped.
func BothPaging(number, size, maxResults *int, token string, maxSize, floor, hi int) (BothPage, error) {
	if token != "" || maxResults != nil {
		n, err := Limit("MaxResults", maxResults, floor, 1, hi)
		n = max(n, floor)
		return BothPage{Token: true, Page: Page{Number: 1, Size: n}, Limit: n + 1}, err
	}
	p, err := Paging("PageNumber", number, size, 10, maxSize)
	return BothPage{Page: p, Offset: p.Offset(), Limit: p.Size}, err
}
