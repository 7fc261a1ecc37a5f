// The SYSPRO simulator arrives with the Extract issue.
print("syspro-sim: not built yet")
