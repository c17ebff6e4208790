# METADATA
# title: Repositories have a README that says what the code does and how to run it
# description: >-
#   A README is the first thing a reviewer, an assessor or a future analyst reads. The
#   NHS RAP baseline asks for one that explains how to reproduce the analysis. sdescan
#   looks for a README at the root (or in docs/) with at least 20 words of prose and
#   either a section about usage, installation, getting started, how to run or
#   reproduce, or a code block holding a command (pip, python, Rscript, make, docker …).
# custom:
#   id: OPEN-002
#   severity: medium
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Add README.md at the repository root saying what the code does, what data it
#     expects (never the data itself), and a "How to run" section with the exact commands,
#     e.g. a fenced block with `pip install -r requirements.txt` and `python run.py`.
package sdescan.checks.github.open_readme

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

deny contains sprintf("repository %s has no README", [name]) if {
	attr("readme_file") == ""
}

deny contains sprintf("repository %s: %s says too little about what the code does (%d words of prose; at least 20 expected)", [name, attr("readme_file"), attr("readme_words")]) if {
	has_readme
	attr("readme_explains_usage") == false
	is_number(attr("readme_words"))
	attr("readme_words") < 20
}

deny contains sprintf("repository %s: %s does not say how to run the code (no usage, installation or how-to-run section, and no command in a code block)", [name, attr("readme_file")]) if {
	has_readme
	attr("readme_explains_usage") == false
	attr("readme_has_usage_section") == false
	attr("readme_has_run_command") == false
}

has_readme if {
	is_string(attr("readme_file"))
	attr("readme_file") != ""
}

missing contains "attributes.readme_file" if {
	not is_string(attr("readme_file"))
}

missing contains "attributes.readme_explains_usage" if {
	has_readme
	not is_boolean(attr("readme_explains_usage"))
}

# A README said not to explain usage, without the facts saying why, is not
# assessed: never a pass.
missing contains "attributes.readme_words" if {
	has_readme
	attr("readme_explains_usage") == false
	not is_number(attr("readme_words"))
}

missing contains sprintf("attributes.%s", [k]) if {
	has_readme
	attr("readme_explains_usage") == false
	some k in ["readme_has_usage_section", "readme_has_run_command"]
	not is_boolean(attr(k))
}
