package ecs

import (
	"fmt"
	"regexp"
	"unicode"

	"github.com/ecsd/ecsd/internal/apierr"
)

// dataDevice is a data disk's device name as RunInstances takes it.
var dataDevice = regexp.MustCompile(`^/dev/xvd[b-z]$`)

// diskNameRune: a disk name holds letters, digits, periods, underscores,
// colons and hyphens.
func diskNameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == ':' || r == '-'
}

// checkDiskText checks a disk's name and description (param names the
// disk, e.g. "DataDisk.2"): a name of 2 to 128 characters starting with a
// letter (InvalidDiskName.Malformed), a description of 2 to 256
// characters (InvalidDiskDescription.Malformed), neither starting with
// http:// or https://; empty is none.
func checkDiskText(param, name, desc string) error {
	if name != "" {
		r := []rune(name)
		ok := len(r) >= 2 && len(r) <= 128 && unicode.IsLetter(r[0]) && !webPrefix(name)
		for _, c := range r {
			ok = ok && diskNameRune(c)
		}
		if !ok {
			return apierr.InvalidDiskNameMalformed.Newf("The specified parameter %s.DiskName %q is not valid: use 2 to 128 letters, digits, periods, underscores, colons and hyphens, starting with a letter, not with http:// or https://.", param, name)
		}
	}
	if n := len([]rune(desc)); desc != "" && (n < 2 || n > 256 || webPrefix(desc)) {
		return apierr.InvalidDiskDescriptionMalformed.Newf("The specified parameter %s.Description is not valid: use 2 to 256 characters, not starting with http:// or https://.", param)
	}
	return nil
}

// planDiskDetails checks the disks' names and descriptions, notes the data
// disks that outlive their instance (DeleteWithInstance=false), and gives
// each data disk its device: the one asked for (/dev/xvdb to /dev/xvdz,
// InvalidDataDevice.Malformed; each once, InvalidDevice.InUse), else the
// first free one in order. The system disk is /dev/xvda.
func planDiskDetails(req *RunInstancesRequest, p *purchasePlan) error {
	if err := checkDiskText("SystemDisk", req.SystemDisk.DiskName, req.SystemDisk.Description); err != nil {
		return err
	}
	p.sysDisk.Name, p.sysDisk.Description = req.SystemDisk.DiskName, req.SystemDisk.Description
	taken := map[string]bool{}
	for k, d := range req.DataDisk {
		param := fmt.Sprintf("DataDisk.%d", k+1)
		if err := checkDiskText(param, d.DiskName, d.Description); err != nil {
			return err
		}
		p.dataDisks[k].Name, p.dataDisks[k].Description = d.DiskName, d.Description
		p.dataDisks[k].Detachable = d.DeleteWithInstance != nil && !*d.DeleteWithInstance
		if d.Device == "" {
			continue
		}
		if !dataDevice.MatchString(d.Device) {
			return apierr.InvalidDataDeviceMalformed.Newf("The specified parameter %s.Device %q is not valid; use /dev/xvdb to /dev/xvdz.", param, d.Device)
		}
		if taken[d.Device] {
			return apierr.InvalidDeviceInUse.Newf("The specified device has been occupied: %s.Device %s is given to another data disk too.", param, d.Device)
		}
		taken[d.Device] = true
		p.dataDisks[k].Device = d.Device
	}
	next := 1 // /dev/xvdb
	for k := range p.dataDisks {
		for p.dataDisks[k].Device == "" {
			if dev := deviceName(next); !taken[dev] {
				p.dataDisks[k].Device, taken[dev] = dev, true
			}
			next++
		}
	}
	return nil
}

// deviceName is the n-th device: /dev/xvda for 0, ..., /dev/xvdz, then
// /dev/xvdaa, /dev/xvdab, ... for types with more than 25 data disks.
func deviceName(n int) string {
	if n < 26 {
		return fmt.Sprintf("/dev/xvd%c", 'a'+n)
	}
	return fmt.Sprintf("/dev/xvd%c%c", 'a'+(n/26-1), 'a'+n%26)
}
