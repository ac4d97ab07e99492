"""What the service does, free of HTTP: routers call these, these call repositories, `ocr`
(through app.scan) and `catalog`."""
