# METADATA
# title: No data files or session histories are committed
# description: >-
#   Data must stay inside the secure data environment. A CSV, spreadsheet, Stata, SPSS,
#   R or SQLite file, an .Rhistory or .RData session, or a notebook saved with its
#   outputs can carry patient-level rows out with the code — and once committed it stays
#   in the history. sdescan lists such files at the head of the default branch, in a
#   local repository's whole history, and notebooks that store cell outputs.
# custom:
#   id: OPEN-009
#   severity: high
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Remove the files (and from history with git filter-repo if they ever held real
#     data, after an information governance review), add the patterns to .gitignore
#     (*.csv, *.rds, .Rhistory, .RData …), and strip notebook outputs before commit
#     (nbstripout --install, or jupyter nbconvert --clear-output).
package sdescan.checks.github.open_data_files

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

first(list) := concat(", ", array.slice(list, 0, 5))

more(list) := sprintf(" and %d more", [count(list) - 5]) if count(list) > 5

else := ""

deny contains sprintf("repository %s: %d data or session file(s) committed: %s%s", [name, n, first(files), more(files)]) if {
	files := attr("data_files")
	is_array(files)
	count(files) > 0
	n := object.get(attrs, "data_file_count", count(files))
}

deny contains sprintf("repository %s: %d data or session file(s) in the history (deleted since): %s%s", [name, count(files), first(files), more(files)]) if {
	files := attr("data_files_in_history")
	is_array(files)
	count(files) > 0
}

deny contains sprintf("repository %s: %d notebook(s) saved with outputs: %s%s", [name, count(files), first(files), more(files)]) if {
	files := attr("notebooks_with_outputs")
	is_array(files)
	count(files) > 0
}

missing contains "attributes.data_files" if {
	not is_array(attr("data_files"))
}

missing contains "attributes.notebooks_with_outputs" if {
	not is_array(attr("notebooks_with_outputs"))
	attr("notebook_count") != 0
}

missing contains "attributes.data_files_in_history" if {
	input.resource.type == "git.repo"
	not is_array(attr("data_files_in_history"))
}
