"""The Airflow orchestrator (imports no Airflow: it writes DAG files)."""
