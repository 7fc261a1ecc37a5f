/// The commented `syspro-bq.toml` that `syspro-bq init` writes. Every key is shown; the ones to fill in are
/// commented out, so the file is valid as written and `status` lists what is still missing.
public enum ConfigurationTemplate {
    /// The template, with the staging directory and key file `init` chose (written as given: relative paths
    /// resolve against the file's directory).
    public static func render(stagingDirectory: String, keyFile: String) -> String {
        """
        # syspro-bq configuration. Every key is described in docs/configuration.md.
        # Relative paths are relative to this file's directory. Any key can be overridden from the
        # environment as SYSPRO_BQ_<SECTION>_<KEY>, e.g. SYSPRO_BQ_BIGQUERY_DATASET.
        # Secrets never go here: store them with `syspro-bq creds set ...`.

        [syspro]
        # The OData service root (required for source = "odata").
        # odata_url = "https://erp.example.internal:443/SYSPRO8Odata/SYSPROOData"
        # odata_path_template = "{root}/{company}/{table}"
        # The e.net REST root (required for source = "enet").
        # enet_url = "https://erp.example.internal/SYSPROWCFService/Rest"
        source = "odata"
        # The SYSPRO company ids to extract; each (company, table) is its own stream. (required)
        # companies = ["A"]
        # The SYSPRO operator syspro-bq logs in as. (required)
        # operator = "BQSYNC"
        # The companies' time zone, as an IANA name. (required)
        # time_zone = "Africa/Johannesburg"
        # ca_bundle = "/etc/ssl/certs/erp-ca.pem"
        concurrency = 2
        page_size = 5000
        timeout_seconds = 120
        next_link = true
        allow_skip_paging = false

        [bigquery]
        # The Google Cloud project and BigQuery dataset. (required)
        # project = "my-project"
        # dataset = "syspro_raw"
        location = "US"
        api_url = "https://bigquery.googleapis.com"
        # token_uri defaults to the token_uri of the stored service-account key.
        load_mode = "insertAll"
        batch_rows = 500
        in_flight = 4
        table_prefix = ""
        allow_insecure_local_endpoints = false
        # gcs_staging_uri = "gs://my-bucket/syspro-bq"

        [staging]
        directory = \(TOMLValue.quoted(stagingDirectory))
        segment_max_rows = 100000
        segment_max_bytes = 67108864
        gzip_level = 1
        # retention_days = 2555
        # archive_directory = "/srv/syspro-bq/archive"

        [security]
        key_file = \(TOMLValue.quoted(keyFile))
        credentials_file = "credentials.enc.json"

        [logging]
        format = "text"
        level = "info"

        [metrics]
        # prometheus_textfile = "/var/lib/prometheus/node-exporter/syspro_bq.prom"

        # Per-table overrides of the built-in catalog, for example:
        # [tables.ApInvoice]
        # strategy = "business_date"
        # business_date_column = "InvoiceDate"
        # look_back_days = 7
        # sweep_every_runs = 12
        # partitioning = "business_date_month"
        # clustering = ["Supplier", "Invoice"]

        """
    }
}
