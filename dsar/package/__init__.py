"""The access and portability package (§7.1, §7.5): data in JSON, CSV and XML, the customer's
uploaded files, and the Art. 15 cover letter — streamed to a zip on disk, then to S3."""
