"""What every stage stands on: livedeck's own files (templates, npm packages) and safe writes."""
