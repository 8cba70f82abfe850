-- CreateIndex
CREATE UNIQUE INDEX "jobs_requester_id_request_nonce_key" ON "jobs"("requester_id", "request_nonce");
