package ecs

import (
	"encoding/base64"

	"github.com/ecsd/ecsd/internal/apierr"
)

// checkUserData checks UserData as ECS takes it: base64 of at most 32 KiB.
func checkUserData(v string) error {
	if v == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return apierr.InvalidUserDataBase64FormatInvalid.New()
	}
	if len(raw) > maxUserData {
		return apierr.InvalidUserDataSizeExceeded.Newf("The specified parameter UserData exceeds the size: %d bytes before base64, at most %d.", len(raw), maxUserData)
	}
	return nil
}
