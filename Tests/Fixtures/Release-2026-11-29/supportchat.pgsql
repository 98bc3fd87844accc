--
-- PostgreSQL database dump
--

\restrict PerO7FHtjTSELzXwGWDtRsb0eRhQgdyifU28IfCr4rMhJhU5k9Y8fvn1EfQbNsO

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: Conversations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."Conversations" (
    "Id" character varying(24) NOT NULL,
    "CandidateId" character varying(24) NOT NULL,
    "SupervisorId" character varying(24) NOT NULL,
    "AgentId" character varying(24),
    "Status" character varying(16) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ClosedAt" timestamp with time zone
)
WITH (autovacuum_vacuum_scale_factor='0.02', autovacuum_vacuum_insert_scale_factor='0.02', autovacuum_analyze_scale_factor='0.02');


--
-- Name: LiveMessages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."LiveMessages" (
    "ConversationId" character varying(24) NOT NULL,
    "Sequence" integer NOT NULL,
    "SenderId" character varying(24) NOT NULL,
    "SenderRole" character varying(16) NOT NULL,
    "Content" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL
);


--
-- Name: Messages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."Messages" (
    "ConversationId" character varying(24) NOT NULL,
    "Sequence" integer NOT NULL,
    "SenderId" character varying(24) NOT NULL,
    "SenderRole" character varying(16) NOT NULL,
    "Content" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL
);


--
-- Name: Users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."Users" (
    "Id" character varying(24) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Email" character varying(320) NOT NULL,
    "PasswordHash" text NOT NULL,
    "Role" character varying(16) NOT NULL,
    "SupervisorId" character varying(24),
    "CreatedAt" timestamp with time zone NOT NULL
);


--
-- Name: __EFMigrationsHistory; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."__EFMigrationsHistory" (
    "MigrationId" character varying(150) NOT NULL,
    "ProductVersion" character varying(32) NOT NULL
);


--
-- Data for Name: Conversations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public."Conversations" VALUES ('6b0d94db882dcff9599f030e', '6b0d94d8882dcff9599f0304', '6b0d94d7882dcff9599f02f8', '6b0d94d7882dcff9599f02fe', 'closed', '2026-11-30 15:23:07.030237+00', '2026-11-30 15:23:07.359755+00');
INSERT INTO public."Conversations" VALUES ('6b0d94db882dcff9599f0311', '6b0d94da882dcff9599f030c', '6b0d94d7882dcff9599f02fc', '6b0d94d8882dcff9599f0302', 'closed', '2026-11-30 15:23:07.80826+00', '2026-11-30 15:23:07.877902+00');
INSERT INTO public."Conversations" VALUES ('6b0d94db882dcff9599f0316', '6b0d94d9882dcff9599f0308', '6b0d94d7882dcff9599f02f8', NULL, 'open', '2026-11-30 15:23:07.917022+00', NULL);
INSERT INTO public."Conversations" VALUES ('6b0d94db882dcff9599f0318', '6b0d94da882dcff9599f030a', '6b0d94d7882dcff9599f02fc', '6b0d94d8882dcff9599f0302', 'open', '2026-11-30 15:23:07.940217+00', NULL);
INSERT INTO public."Conversations" VALUES ('6b0d94db882dcff9599f031b', '6b0d94d9882dcff9599f0306', '6b0d94d7882dcff9599f02f8', '6b0d94d8882dcff9599f0300', 'assigned', '2026-11-30 15:23:07.956099+00', NULL);


--
-- Data for Name: LiveMessages; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 0, '6b0d94d9882dcff9599f0306', 'candidate', 'Hi, my invoice shows the wrong address', '2026-11-30 15:23:07.977+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 1, '6b0d94d8882dcff9599f0300', 'agent', 'Hi Finn! Which invoice number?', '2026-11-30 15:23:07.977+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 2, '6b0d94d9882dcff9599f0306', 'candidate', 'INV-2026-0042 ✉️', '2026-11-30 15:23:07.978+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 3, '6b0d94d8882dcff9599f0300', 'agent', 'Thanks, looking into it…', '2026-11-30 15:23:07.978+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f0316', 0, '6b0d94d9882dcff9599f0308', 'candidate', 'Anyone? 👀', '2026-11-30 15:23:07.929+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 4, '6b0d94d9882dcff9599f0306', 'candidate', 'Straße should be "Hauptstraße 5", not "Hauptstrasse 5"', '2026-11-30 15:23:10.981+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 5, '6b0d94d8882dcff9599f0300', 'agent', 'Noted 👍 I''ll send a corrected one.', '2026-11-30 15:23:10.982+00');
INSERT INTO public."LiveMessages" VALUES ('6b0d94db882dcff9599f031b', 6, '6b0d94d9882dcff9599f0306', 'candidate', '🎉🎉🎉', '2026-11-30 15:23:10.982+00');


--
-- Data for Name: Messages; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f030e', 0, '6b0d94d8882dcff9599f0304', 'candidate', 'Hello! My order #4711 never arrived 📦', '2026-11-30 15:23:07.334+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f030e', 1, '6b0d94d7882dcff9599f02fe', 'agent', 'Sorry to hear that — let me check. Können Sie die Postleitzahl bestätigen?', '2026-11-30 15:23:07.34+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f030e', 2, '6b0d94d8882dcff9599f0304', 'candidate', 'Sure: 10115 Berlin. Ça va prendre longtemps ? 🙏', '2026-11-30 15:23:07.341+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f030e', 3, '6b0d94d7882dcff9599f02fe', 'agent', 'Found it: it is at the depot.
It ships tomorrow — 明日発送します。', '2026-11-30 15:23:07.341+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f030e', 4, '6b0d94d8882dcff9599f0304', 'candidate', '  Thanks!! 👍🏽 "quoted" & <b>not html</b>  ', '2026-11-30 15:23:07.342+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f030e', 5, '6b0d94d7882dcff9599f02fe', 'agent', 'You''re welcome 😊', '2026-11-30 15:23:07.342+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f0311', 0, '6b0d94da882dcff9599f030c', 'candidate', 'Is anyone there?', '2026-11-30 15:23:07.835+00');
INSERT INTO public."Messages" VALUES ('6b0d94db882dcff9599f0311', 1, '6b0d94da882dcff9599f030c', 'candidate', 'Ich warte… ⏳', '2026-11-30 15:23:07.835+00');


--
-- Data for Name: Users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public."Users" VALUES ('6b0d94d6882dcff9599f02f6', 'Alma Admin', 'alma@release.example.com', 'AQAAAAIAAYagAAAAEB8wGcs8WpNTyLOtbjdYyujfIg6e1d1wNHCIzlH9FzqnOxBSvFBipyXkY/J647wGww==', 'admin', NULL, '2026-11-30 15:23:02.428556+00');
INSERT INTO public."Users" VALUES ('6b0d94d7882dcff9599f02f8', 'Ada Supervisor', 'ada@release.example.com', 'AQAAAAIAAYagAAAAECsqNhcoM8/j9K8CUS8HLr4jAlmiXCqmRxOCPW3/8tRVSPSZqJIW8VhqPk5PhZ9oMA==', 'supervisor', NULL, '2026-11-30 15:23:03.166544+00');
INSERT INTO public."Users" VALUES ('6b0d94d7882dcff9599f02fa', 'Mo Supervisor', 'mo@release.example.com', 'AQAAAAIAAYagAAAAEKBA06WwLIYWEmxvs3MpaDJrKcfk8kGw3SBMqoUdc/jNky5TwRHE5CvdKNWp45/drQ==', 'supervisor', NULL, '2026-11-30 15:23:03.420791+00');
INSERT INTO public."Users" VALUES ('6b0d94d7882dcff9599f02fc', 'Zoë Supervisor', 'zoe@release.example.com', 'AQAAAAIAAYagAAAAEMkgIxDTRQfXhkvls5J3mkaDhxpOaUovDHKMOkL/NZsOe3WDPLc2KsRJM0JW+pfcwg==', 'supervisor', NULL, '2026-11-30 15:23:03.742489+00');
INSERT INTO public."Users" VALUES ('6b0d94d7882dcff9599f02fe', 'Ben Agent', 'ben@release.example.com', 'AQAAAAIAAYagAAAAEGFVgSPsoaHFByhFgBdtPMLC8UjRxt0nzWC2KY2xlTesxFxhpwLMJ9a5QjKlQBATag==', 'agent', '6b0d94d7882dcff9599f02f8', '2026-11-30 15:23:03.966062+00');
INSERT INTO public."Users" VALUES ('6b0d94d8882dcff9599f0300', 'Cy Agent', 'cy@release.example.com', 'AQAAAAIAAYagAAAAEChlRP4j+lhKOAS87po9lRxtKhIOaeRp0b5B6Nrozfpmo6Ix1QZxUYKJ5dDrTZqg4Q==', 'agent', '6b0d94d7882dcff9599f02f8', '2026-11-30 15:23:04.234309+00');
INSERT INTO public."Users" VALUES ('6b0d94d8882dcff9599f0302', 'Dee Agent', 'dee@release.example.com', 'AQAAAAIAAYagAAAAEE9UDRLFeUf5QaXxOKE/3u8VG96jJSMaF2vJ1y3hQkUkS0sQ+yXLrtJofeMyOEMcww==', 'agent', '6b0d94d7882dcff9599f02fc', '2026-11-30 15:23:04.662779+00');
INSERT INTO public."Users" VALUES ('6b0d94d8882dcff9599f0304', 'Eve Candidate', 'eve@release.example.com', 'AQAAAAIAAYagAAAAEAq7KDu4uG59G8I26FaFyPw89ikXGOXYVstG9g9XiVJCE1BHqIWlFVIrLs2WQPKxBA==', 'candidate', NULL, '2026-11-30 15:23:04.962833+00');
INSERT INTO public."Users" VALUES ('6b0d94d9882dcff9599f0306', 'Finn Candidate', 'finn@release.example.com', 'AQAAAAIAAYagAAAAEPtj/rhnfxB5TwJpQx8XXjKLLJyDywbMYXpXkhbV7BQvI38KGpovSHALXkQkqD3rvw==', 'candidate', NULL, '2026-11-30 15:23:05.435472+00');
INSERT INTO public."Users" VALUES ('6b0d94d9882dcff9599f0308', 'Gus Candidate', 'gus@release.example.com', 'AQAAAAIAAYagAAAAEKOWKYmTk4d8siDcNQCKQdyXBT8Tr11Z/zFy85FM+lavlsFpZ7aWj2SdQi0AVcwKJg==', 'candidate', NULL, '2026-11-30 15:23:05.651839+00');
INSERT INTO public."Users" VALUES ('6b0d94da882dcff9599f030a', 'Hana Candidate', 'hana@release.example.com', 'AQAAAAIAAYagAAAAEG1gXhy8OlI97N/ekHgq06Gf3jclcWjcuA6jNBfk7z2Js+QCTmdRPfxIkZiGC9/0Ag==', 'candidate', NULL, '2026-11-30 15:23:06.112185+00');
INSERT INTO public."Users" VALUES ('6b0d94da882dcff9599f030c', 'Ida Candidate', 'ida@release.example.com', 'AQAAAAIAAYagAAAAEK843XI0QFHlt0MXIJWR2e4fblFoQ/kubZmb5T4Ei6iqGm9d2gaMY95SHWafGJvdDg==', 'candidate', NULL, '2026-11-30 15:23:06.534073+00');


--
-- Data for Name: __EFMigrationsHistory; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public."__EFMigrationsHistory" VALUES ('20261122000000_InitialSchema', '10.0.14');
INSERT INTO public."__EFMigrationsHistory" VALUES ('20261122010000_LiveMessages', '10.0.14');
INSERT INTO public."__EFMigrationsHistory" VALUES ('20261122020000_ConversationsAutovacuum', '10.0.14');


--
-- Name: Conversations PK_Conversations; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."Conversations"
    ADD CONSTRAINT "PK_Conversations" PRIMARY KEY ("Id");


--
-- Name: LiveMessages PK_LiveMessages; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."LiveMessages"
    ADD CONSTRAINT "PK_LiveMessages" PRIMARY KEY ("ConversationId", "Sequence");


--
-- Name: Messages PK_Messages; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."Messages"
    ADD CONSTRAINT "PK_Messages" PRIMARY KEY ("ConversationId", "Sequence");


--
-- Name: Users PK_Users; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."Users"
    ADD CONSTRAINT "PK_Users" PRIMARY KEY ("Id");


--
-- Name: __EFMigrationsHistory PK___EFMigrationsHistory; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."__EFMigrationsHistory"
    ADD CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId");


--
-- Name: IX_Conversations_AgentId_Status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX "IX_Conversations_AgentId_Status" ON public."Conversations" USING btree ("AgentId", "Status");


--
-- Name: IX_Conversations_CandidateId_Active; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX "IX_Conversations_CandidateId_Active" ON public."Conversations" USING btree ("CandidateId") WHERE (("Status")::text <> 'closed'::text);


--
-- Name: IX_Users_Email; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX "IX_Users_Email" ON public."Users" USING btree ("Email");


--
-- Name: IX_Users_SupervisorId_Role; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX "IX_Users_SupervisorId_Role" ON public."Users" USING btree ("SupervisorId", "Role");


--
-- PostgreSQL database dump complete
--

\unrestrict PerO7FHtjTSELzXwGWDtRsb0eRhQgdyifU28IfCr4rMhJhU5k9Y8fvn1EfQbNsO

