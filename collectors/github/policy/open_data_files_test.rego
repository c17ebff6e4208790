package sdescan.checks.github.open_data_files_test

import data.sdescan.checks.github.open_data_files as check
import rego.v1

local(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

remote(attrs) := {"resource": {"id": "https://github.com/nhs/analysis", "type": "github.repo", "source": "github", "attributes": attrs}}

clean := {"name": "analysis", "data_files": [], "data_file_count": 0, "data_files_in_history": [], "notebook_count": 0, "notebooks_with_outputs": []}

test_pass if {
	count(check.deny) == 0 with input as local(clean)
	count(check.missing) == 0 with input as local(clean)
}

test_fail_head if {
	inp := local(object.union(clean, {"data_files": ["data/cohort.csv", ".Rhistory"], "data_file_count": 2}))
	check.deny == {"repository analysis: 2 data or session file(s) committed: data/cohort.csv, .Rhistory"} with input as inp
}

test_fail_many if {
	files := ["a.csv", "b.csv", "c.csv", "d.csv", "e.csv", "f.csv", "g.csv"]
	inp := local(object.union(clean, {"data_files": files, "data_file_count": 7}))
	check.deny == {"repository analysis: 7 data or session file(s) committed: a.csv, b.csv, c.csv, d.csv, e.csv and 2 more"} with input as inp
}

test_fail_history if {
	inp := local(object.union(clean, {"data_files_in_history": ["extract.xlsx"]}))
	check.deny == {"repository analysis: 1 data or session file(s) in the history (deleted since): extract.xlsx"} with input as inp
}

test_fail_notebook if {
	inp := local(object.union(clean, {"notebook_count": 1, "notebooks_with_outputs": ["explore.ipynb"]}))
	check.deny == {"repository analysis: 1 notebook(s) saved with outputs: explore.ipynb"} with input as inp
}

test_remote_needs_no_history if {
	inp := remote({"full_name": "nhs/analysis", "data_files": [], "notebook_count": 0})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_missing_notebooks if {
	inp := remote({"full_name": "nhs/analysis", "data_files": [], "notebook_count": 3})
	check.missing == {"attributes.notebooks_with_outputs"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_all if {
	inp := local({"name": "analysis"})
	check.missing == {"attributes.data_files", "attributes.notebooks_with_outputs", "attributes.data_files_in_history"} with input as inp
	count(check.deny) == 0 with input as inp
}
