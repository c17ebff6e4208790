package collectors

import (
	"reflect"
	"testing"
)

func TestTypesOf(t *testing.T) {
	got := TypesOf([]string{"aws.s3.bucket", "aws.account"}, nil, []string{"aws.account", "aws.ec2.vpc"})
	if want := []string{"aws.account", "aws.ec2.vpc", "aws.s3.bucket"}; !reflect.DeepEqual(got, want) {
		t.Errorf("TypesOf = %v, want %v", got, want)
	}
	if got := TypesOf(); len(got) != 0 {
		t.Errorf("TypesOf() = %v, want none", got)
	}
}
