// The repositories, built once over the app's database.
import type { Database } from "../../db/database.js";
import { AccountsRepository } from "../../repositories/accounts-repository.js";
import { AgentsRepository } from "../../repositories/agents-repository.js";
import { AgentWorkRepository } from "../../repositories/agent-work-repository.js";
import { CallbacksRepository } from "../../repositories/callbacks-repository.js";
import { CallsRepository } from "../../repositories/calls-repository.js";
import { DeskRepository } from "../../repositories/desk-repository.js";
import { ContactsRepository } from "../../repositories/contacts-repository.js";
import { MessagesRepository } from "../../repositories/messages-repository.js";
import { MonitorsRepository } from "../../repositories/monitors-repository.js";
import { SubscriptionsRepository } from "../../repositories/subscriptions-repository.js";
import { NotificationsRepository } from "../../repositories/notifications-repository.js";
import { RecordingsRepository } from "../../repositories/recordings-repository.js";
import { ReportsRepository } from "../../repositories/reports-repository.js";
import { SurveysRepository } from "../../repositories/surveys-repository.js";
import { SessionsRepository } from "../../repositories/sessions-repository.js";
import { QueueRepository } from "../../repositories/queue-repository.js";
import { TransfersRepository } from "../../repositories/transfers-repository.js";

export interface Repositories {
  calls: CallsRepository;
  recordings: RecordingsRepository;
  callbacks: CallbacksRepository;
  notifications: NotificationsRepository;
  messages: MessagesRepository;
  contacts: ContactsRepository;
  subscriptions: SubscriptionsRepository;
  transfers: TransfersRepository;
  sessions: SessionsRepository;
  accounts: AccountsRepository;
  agents: AgentsRepository;
  agentWork: AgentWorkRepository;
  queue: QueueRepository;
  surveys: SurveysRepository;
  desk: DeskRepository;
  monitors: MonitorsRepository;
  reports: ReportsRepository;
}

export function createRepositories(db: Database): Repositories {
  return {
    calls: new CallsRepository(db),
    recordings: new RecordingsRepository(db),
    callbacks: new CallbacksRepository(db),
    notifications: new NotificationsRepository(db),
    messages: new MessagesRepository(db),
    contacts: new ContactsRepository(db),
    subscriptions: new SubscriptionsRepository(db),
    transfers: new TransfersRepository(db),
    sessions: new SessionsRepository(db),
    accounts: new AccountsRepository(db),
    agents: new AgentsRepository(db),
    agentWork: new AgentWorkRepository(db),
    queue: new QueueRepository(db),
    surveys: new SurveysRepository(db),
    desk: new DeskRepository(db),
    monitors: new MonitorsRepository(db),
    reports: new ReportsRepository(db),
  };
}
