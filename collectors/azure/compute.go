package azure

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"

	"github.com/sdescan/sdescan/checks"
)

var (
	vmTypes      = []string{"azure.compute.virtual_machine"}
	diskTypes    = []string{"azure.compute.disk"}
	computeTypes = []string{"azure.compute.disk", "azure.compute.virtual_machine"}
)

func init() {
	register(service{
		name:    "compute",
		covers:  computeTypes,
		collect: (*collector).collectCompute,
		ops: []Operation{
			{"VirtualMachines.ListAll", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachines/read"},
			{"Disks.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/disks", "Microsoft.Compute/disks/read"},
		},
	})
}

// collectCompute lists the subscription's virtual machines and managed disks
// (two listings, nothing per resource): the data stores the backup review
// judges, with the disks each machine uses so that a disk is known to be
// backed up with its machine.
func (c *collector) collectCompute(ctx context.Context) {
	vms, err := armcompute.NewVirtualMachinesClient(c.sub, c.cred, c.options())
	var vmList []*armcompute.VirtualMachine
	if err == nil {
		vmList, err = listAll(ctx, vms.NewListAllPager(nil), func(p armcompute.VirtualMachinesClientListAllResponse) []*armcompute.VirtualMachine {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "compute", API: "VirtualMachines.ListAll", ResourceTypes: vmTypes, Message: errorMessage(err)})
	} else {
		for _, m := range vmList {
			c.add(vmResource(c.sub, m))
		}
	}
	disks, err := armcompute.NewDisksClient(c.sub, c.cred, c.options())
	var diskList []*armcompute.Disk
	if err == nil {
		diskList, err = listAll(ctx, disks.NewListPager(nil), func(p armcompute.DisksClientListResponse) []*armcompute.Disk { return p.Value })
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "compute", API: "Disks.List", ResourceTypes: diskTypes, Message: errorMessage(err)})
		return
	}
	for _, d := range diskList {
		c.add(diskResource(c.sub, d))
	}
}

// vmResource records one virtual machine: its size, operating system and the
// managed disks it uses (OS disk first, then data disks by ID).
func vmResource(sub string, m *armcompute.VirtualMachine) checks.Resource {
	attrs := map[string]any{
		"name":           val(m.Name),
		"resource_group": strings.ToLower(resourceGroup(val(m.ID))),
		"vm_size":        nil,
		"os_type":        nil,
		"os_disk":        nil,
		"data_disks":     []any{},
	}
	if p := m.Properties; p != nil {
		if p.HardwareProfile != nil {
			attrs["vm_size"] = str(p.HardwareProfile.VMSize)
		}
		if s := p.StorageProfile; s != nil {
			if o := s.OSDisk; o != nil {
				attrs["os_type"] = str(o.OSType)
				if o.ManagedDisk != nil && o.ManagedDisk.ID != nil {
					attrs["os_disk"] = armID(o.ManagedDisk.ID)
				}
			}
			var data []string
			for _, d := range s.DataDisks {
				if d != nil && d.ManagedDisk != nil && d.ManagedDisk.ID != nil {
					data = append(data, armID(d.ManagedDisk.ID))
				}
			}
			sort.Strings(data)
			for _, d := range data {
				attrs["data_disks"] = append(attrs["data_disks"].([]any), d)
			}
		}
	}
	return checks.Resource{ID: armID(m.ID), Type: "azure.compute.virtual_machine", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(m.Location))}, Tags: tags(m.Tags), Attributes: attrs}
}

// diskResource records one managed disk: its size, state, the machine it is
// attached to (managed_by, lower-cased; null when unattached) and how it is
// encrypted at rest.
func diskResource(sub string, d *armcompute.Disk) checks.Resource {
	attrs := map[string]any{
		"name":            val(d.Name),
		"resource_group":  strings.ToLower(resourceGroup(val(d.ID))),
		"managed_by":      nil,
		"sku":             nil,
		"disk_size_gb":    nil,
		"disk_state":      nil,
		"os_type":         nil,
		"encryption_type": nil,
	}
	if d.ManagedBy != nil && *d.ManagedBy != "" {
		attrs["managed_by"] = armID(d.ManagedBy)
	}
	if d.SKU != nil {
		attrs["sku"] = str(d.SKU.Name)
	}
	if p := d.Properties; p != nil {
		attrs["disk_size_gb"] = deref(p.DiskSizeGB)
		attrs["disk_state"] = str(p.DiskState)
		attrs["os_type"] = str(p.OSType)
		if p.Encryption != nil {
			attrs["encryption_type"] = str(p.Encryption.Type)
		}
	}
	return checks.Resource{ID: armID(d.ID), Type: "azure.compute.disk", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(d.Location))}, Tags: tags(d.Tags), Attributes: attrs}
}
