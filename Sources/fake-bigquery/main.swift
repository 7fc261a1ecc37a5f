// The fake BigQuery server arrives with the Load issue.
print("fake-bigquery: not built yet")
