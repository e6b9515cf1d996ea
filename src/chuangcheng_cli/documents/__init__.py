"""公文 as values (督办通知, the report to 市领导) and the only module that writes .docx."""
