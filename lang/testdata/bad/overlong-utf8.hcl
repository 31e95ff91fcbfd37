# want: Invalid UTF-8
À¯à€¯ = 1
