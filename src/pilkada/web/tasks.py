"""Background tasks of the web app (django-tasks). Each takes a job id and calls one service;
the job row carries everything else, so a task can run in any worker process."""

from django_tasks import task

from pilkada.web import results_jobs, services


@task()
def check_dpt_upload(job_id: int) -> str:
    return services.run_dpt_check(job_id)


@task()
def store_dpt_upload(job_id: int) -> str:
    return services.run_dpt_store(job_id)


@task()
def check_results_upload(job_id: int) -> str:
    return results_jobs.run_results_check(job_id)


@task()
def store_results_upload(job_id: int) -> str:
    return results_jobs.run_results_store(job_id)
