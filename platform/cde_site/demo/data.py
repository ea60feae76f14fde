"""Demo content for the cités de l'emploi platform (pure data, no Django imports).

Sources: the seed documents supplied with the project, all paraphrased (no sentence is copied):
- ANCT, « Cités de l'emploi : vadémécum à destination des opérateurs locaux #2 » (2022, published
  on irev.fr on 27 January 2023) and its IREV summary page;
- the Labo Cités « S'informer et échanger » session on the cités de l'emploi in
  Auvergne-Rhône-Alpes (ANCT national presentation + local ID cards, late 2022);
- the ANCT « Travailler ensemble pour faciliter l'emploi en quartiers prioritaires » flyer (2024).

Seed facts used:
- programme tried out from March 2020; 24 cités labelled in 2020 (1st wave), 60 more in 2021
  (2nd wave), 84 in all; 552 QPV covered; 36 partners per cité on average; 410 000 job seekers in
  the perimeter (15 % under 25, 25 % over 50); 1.7 times more people without a diploma than the
  national average; 100 000 € per labelled cité and per year, freely allocated by the copil;
- co-piloting by the département's préfecture and a collectivité (preferably the EPCI), cohort
  approach for unmet needs, national animation by ANCT with the DGEFP, cafés-cités every three
  weeks, thematic working groups, La Grande Équipe platform, quarterly ANCT questionnaire;
- first results (presentation): 14 partners and 803 referents on average, 2 588 « aller-vers »
  actions, 31 915 beneficiaries, 1 493 innovative actions; 2024 flyer: 425 steering committees,
  27 types of actors, 5 431 « aller-vers » actions, 88 194 beneficiaries, 30 119 beneficiaries of
  innovative actions; pactes plein emploi, Entrepreneuriat Quartiers 2030, « les entreprises
  s'engagent pour les quartiers »; ASDO evaluation (2022, 10 monographs, 171 respondents);
- ID cards of Saint-Omer, Grenoble, Est Ensemble, Maubeuge, La Seyne-sur-Mer, Pau, Vaulx-en-Velin,
  Villeurbanne and Saint-Étienne (QPV names, populations, dates, carrying structures, axes);
- inspiring actions in Chartres-Dreux, Tremblay-en-France, Quartiers Nord de Marseille,
  Strasbourg, Sedan, Grand Narbonne, La Porte du Hainaut, Toulouse, Roubaix, Saint-Quentin,
  Val-de-Reuil, Saint-Brieuc, Bordeaux; cafés-cités #13 (1 Oct 2021) and #17 (10 Jan 2022).

Known inconsistencies in the seeds: the vadémécum says Grenoble was labelled in July 2021, the
Grenoble slide says September 2021 (we keep the local slide); Maubeuge's fiche lists three QPV
totalling about 16 200 inhabitants while the coordinator speaks of 10 000 residents.

All coordinators and partners below are FICTIONAL people (demo domain demo.cites-emploi.fr).
Real people named in the seeds are only referred to by their role. Values that are plausible but
not found in the seeds carry a trailing ``# plausible`` comment. Where the seeds give only a month,
the day of ``labellisation_date`` is set to the 1st.
"""

import datetime

# ---------------------------------------------------------------------------------------------
# 1. Cités de l'emploi
# ---------------------------------------------------------------------------------------------

CITES = [
    {
        "slug": "saint-omer",
        "code": "cde-001",
        "name": "Cité de l'emploi de Saint-Omer",
        "short_name": "Saint-Omer",
        "region": "32",
        "departement_code": "62",
        "departement": "Pas-de-Calais",
        "structure_porteuse": "PLIE du Pays de Saint-Omer",
        "copilote_prefecture": "Préfecture du Pas-de-Calais (sous-préfecture de Saint-Omer)",
        "copilote_collectivite": "Communauté d'agglomération du Pays de Saint-Omer",
        # Seeds: three QPV, 6 500 inhabitants in total; the split per QPV is ours.
        "qpvs": [
            {
                "name": "Saint-Exupéry - Léon Blum",
                "commune": "Arques, Longuenesse et Saint-Omer",  # plausible
                "population": 3900,  # plausible
            },
            {
                "name": "Centre historique",
                "commune": "Aire-sur-la-Lys",
                "population": 1300,  # plausible
            },
            {
                "name": "Quai du Commerce - Saint-Sépulcre",
                "commune": "Saint-Omer",
                "population": 1300,  # plausible
            },
        ],
        "wave": 2,
        "labellisation_date": datetime.date(2021, 7, 1),
        "coordinator": {
            "first_name": "Amandine",
            "last_name": "Leroy",
            "email": "amandine.leroy@demo.cites-emploi.fr",
            "phone": "03 21 00 00 01",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Julien",
            "last_name": "Caron",
            "email": "julien.caron@demo.cites-emploi.fr",
            "phone": "03 21 00 00 11",
            "fonction": "Conseiller entreprises",
            "organisation": "France Travail Saint-Omer",
        },
        "themes": ["reseau-professionnel", "mobilite", "contraintes-familiales"],
        "publics_cibles": ["tous", "femmes"],
        "axes": [
            "Changer le regard porté sur les quartiers prioritaires",
            "Aller vers les habitants avec des permanences emploi tournantes",
            "Rapprocher habitants et employeurs (PaQte, job datings, salons)",
            "Construire des parcours décloisonnés, sans rupture de prise en charge",
        ],
        "presentation": (
            "Pilotée par le PLIE du Pays de Saint-Omer, la cité couvre trois petits quartiers "
            "prioritaires où le taux de pauvreté dépasse 40 %, alors que le reste de "
            "l'agglomération voit ses indicateurs s'améliorer. Des permanences emploi d'une "
            "demi-journée circulent d'un quartier à l'autre avec les partenaires, agences "
            "d'intérim comprises. Sur 70 personnes reçues, la moitié a été réorientée vers un "
            "accompagnement et un quart a retrouvé un emploi."
        ),
    },
    {
        "slug": "grenoble-alpes-metropole",
        "code": "cde-002",
        "name": "Cité de l'emploi de Grenoble Alpes Métropole",
        "short_name": "Grenoble Alpes Métropole",
        "region": "84",
        "departement_code": "38",
        "departement": "Isère",
        "structure_porteuse": "Grenoble-Alpes Métropole (unité Développement territorial de l'emploi)",
        "copilote_prefecture": "Préfecture de l'Isère (délégué du préfet et DDETS de l'Isère)",
        "copilote_collectivite": "Grenoble-Alpes Métropole",
        # Seeds: four QPV in urban renewal, about 23 100 inhabitants, Villeneuve-Village Olympique
        # alone about 12 000; the other figures are ours.
        "qpvs": [
            {
                "name": "Villeneuve - Village Olympique",
                "commune": "Grenoble",
                "population": 12000,
            },
            {
                "name": "Villeneuve d'Échirolles",  # plausible
                "commune": "Échirolles",
                "population": 5200,  # plausible
            },
            {
                "name": "Mistral - Lys Rouge - Camine",
                "commune": "Grenoble",
                "population": 3600,  # plausible
            },
            {
                "name": "Renaudie - Champberton - La Plaine",
                "commune": "Saint-Martin-d'Hères",
                "population": 2300,  # plausible
            },
        ],
        "wave": 2,
        # Vadémécum: July 2021; Grenoble's own slide: file in June, label in September 2021.
        "labellisation_date": datetime.date(2021, 9, 1),
        "coordinator": {
            "first_name": "Mathieu",
            "last_name": "Giraud",
            "email": "mathieu.giraud@demo.cites-emploi.fr",
            "phone": "04 76 00 00 02",
            "fonction": "Coordinateur de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Sophie",
            "last_name": "Bertin",
            "email": "sophie.bertin@demo.cites-emploi.fr",
            "phone": "04 76 00 00 12",
            "fonction": "Chargée de mission emploi",
            "organisation": "DDETS de l'Isère",
        },
        "themes": ["reseau-professionnel", "contraintes-familiales"],
        "publics_cibles": ["tous", "femmes"],
        "axes": [
            "Prolonger la démarche « 1 % insertion » du renouvellement urbain",
            "Développer l'aller-vers dans les quatre quartiers en rénovation",
            "Assurer le suivi des bénéficiaires grâce à un poste dédié",
            "Faciliter l'accès des femmes à l'emploi",
            "Construire des outils de suivi pour la gouvernance",
        ],
        "presentation": (
            "Candidate à la deuxième vague, la Métropole a bâti sa cité sur le dispositif "
            "« 1 % insertion », qui réserve une part du budget du renouvellement urbain à "
            "l'emploi des habitants. Quatre QPV en rénovation, soit environ 23 000 personnes, "
            "sont concernés. Le pilotage associe Métropole, France Travail, DDETS et préfecture, "
            "avec un comité technique toutes les six semaines et un comité opérationnel mensuel. "
            "L'inauguration, en janvier 2022, a pris la forme d'un job dating pour les femmes."
        ),
    },
    {
        "slug": "est-ensemble",
        "code": "cde-003",
        "name": "Cité de l'emploi d'Est Ensemble",
        "short_name": "Est Ensemble",
        "region": "11",
        "departement_code": "93",
        "departement": "Seine-Saint-Denis",
        "structure_porteuse": "Établissement public territorial Est Ensemble",
        "copilote_prefecture": (
            "Préfecture de la Seine-Saint-Denis (cabinet de la préfète déléguée pour l'égalité "
            "des chances)"
        ),
        "copilote_collectivite": "Établissement public territorial Est Ensemble",
        "qpvs": [
            {"name": "Le Londeau", "commune": "Noisy-le-Sec", "population": 6100},
            {"name": "L'Abreuvoir", "commune": "Bobigny", "population": 7000},
        ],
        "wave": 2,
        # Seeds: decided at the comité interministériel des villes of July 2021.
        "labellisation_date": datetime.date(2021, 7, 1),
        "coordinator": {
            "first_name": "Inès",
            "last_name": "Benali",
            "email": "ines.benali@demo.cites-emploi.fr",
            "phone": "01 48 00 00 03",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Karim",
            "last_name": "Mansour",
            "email": "karim.mansour@demo.cites-emploi.fr",
            "phone": "01 48 00 00 13",
            "fonction": "Référent de parcours",
            "organisation": "PLIE d'Est Ensemble",  # plausible
        },
        "themes": ["reseau-professionnel", "contraintes-familiales", "mobilite"],
        "publics_cibles": ["femmes", "jeunes"],
        "axes": [
            "Aller vers les femmes dites « invisibles » (cafés emploi)",
            "Ouvrir aux femmes les métiers du BTP grâce aux clauses sociales",
            "Orienter les jeunes filles vers l'apprentissage",
            "Travailler la garde d'enfants avec le Département",
        ],
        "presentation": (
            "Actée en juillet 2021 avec les trois autres territoires de Seine-Saint-Denis, la "
            "cité d'Est Ensemble a choisi une cible claire : les femmes, en particulier les "
            "jeunes femmes peu présentes dans l'espace public. Elle expérimente sur deux "
            "quartiers, Le Londeau à Noisy-le-Sec et L'Abreuvoir à Bobigny, où le taux d'emploi "
            "des femmes reste sous 45 %. Ses instances ont fusionné avec celles du programme "
            "régional pour l'insertion des jeunes (PRIJ) pour ne pas multiplier les réunions."
        ),
    },
    {
        "slug": "maubeuge",
        "code": "cde-004",
        "name": "Cité de l'emploi de Maubeuge",
        "short_name": "Maubeuge",
        "region": "32",
        "departement_code": "59",
        "departement": "Nord",
        "structure_porteuse": "GIP Réussir en Sambre-Avesnois (RESA)",
        "copilote_prefecture": "Préfecture du Nord (sous-préfecture d'Avesnes-sur-Helpe)",
        "copilote_collectivite": "Communauté d'agglomération Maubeuge Val de Sambre",  # plausible
        "qpvs": [
            {"name": "L'Épinette", "commune": "Maubeuge", "population": 4000},
            {"name": "Sous-le-Bois", "commune": "Maubeuge", "population": 10100},
            # The seeds do not name the commune of this QPV.
            {"name": "Pont-de-Pierre", "commune": "Maubeuge", "population": 2100},  # plausible
        ],
        # Seeds: "one of the first files" of a delegate who arrived in August 2020; coordinator
        # hired in January 2021 and official launch on 10 February 2021. The date is ours.
        "wave": 1,
        "labellisation_date": datetime.date(2020, 11, 1),  # plausible
        "coordinator": {
            "first_name": "Élodie",
            "last_name": "Delattre",
            "email": "elodie.delattre@demo.cites-emploi.fr",
            "phone": "03 27 00 00 04",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Thomas",
            "last_name": "Lefebvre",
            "email": "thomas.lefebvre@demo.cites-emploi.fr",
            "phone": "03 27 00 00 14",
            "fonction": "Conseiller à l'emploi",
            "organisation": "France Travail Maubeuge",
        },
        "themes": ["reseau-professionnel", "savoirs-de-base"],
        "publics_cibles": ["tous", "jeunes"],
        "axes": [
            "Repérer les habitants hors radar avec un adulte-relais",
            "Suivre une cohorte ouverte dès 16 ans, sans limite d'âge",
            "Recréer du lien avec les entreprises grâce au club EIS",
            "Consolider l'accès aux savoirs de base et au français",
        ],
        "presentation": (
            "Portée par le GIP Réussir en Sambre-Avesnois, qui réunit PLIE, maison de l'emploi "
            "et mission locale, la cité cible trois des neuf quartiers prioritaires de "
            "l'agglomération, où la pauvreté touche de la moitié aux deux tiers des habitants. "
            "Un adulte-relais y repère les personnes éloignées des institutions pour les "
            "raccrocher au droit commun. Sur 147 personnes entrées dans la cohorte, plus de 30 % "
            "ont trouvé une solution."
        ),
    },
    {
        "slug": "la-seyne-sur-mer",
        "code": "cde-005",
        "name": "Cité de l'emploi de La Seyne-sur-Mer",
        "short_name": "La Seyne-sur-Mer",
        "region": "93",
        "departement_code": "83",
        "departement": "Var",
        "structure_porteuse": "Ville de La Seyne-sur-Mer, avec la préfecture du Var et France Travail",
        "copilote_prefecture": "Préfecture du Var",
        "copilote_collectivite": "Ville de La Seyne-sur-Mer",
        # Seeds: two QPV, 12 400 inhabitants in total; the split is ours.
        "qpvs": [
            {"name": "Berthe", "commune": "La Seyne-sur-Mer", "population": 7900},  # plausible
            {
                "name": "Centre-ville",
                "commune": "La Seyne-sur-Mer",
                "population": 4500,  # plausible
            },
        ],
        "wave": 2,
        "labellisation_date": datetime.date(2021, 7, 1),
        "coordinator": {
            "first_name": "Laura",
            "last_name": "Martinez",
            "email": "laura.martinez@demo.cites-emploi.fr",
            "phone": "04 94 00 00 05",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Yanis",
            "last_name": "Haddad",
            "email": "yanis.haddad@demo.cites-emploi.fr",
            "phone": "04 94 00 00 15",
            "fonction": "Conseiller en insertion professionnelle",
            "organisation": "Mission locale Toulon Ouest",
        },
        "themes": ["reseau-professionnel", "mobilite", "contraintes-familiales"],
        "publics_cibles": ["jeunes", "femmes", "demandeurs-emploi-longue-duree"],
        "axes": [
            "Rendre visibles les dispositifs de droit commun",
            "Associer les familles au parcours des jeunes",
            "Mobiliser les entreprises avec FACE Var",
            "Outiller les associations pour l'aller-vers",
        ],
        "presentation": (
            "Dans les quartiers Berthe et Centre-ville, le chômage est environ quatre fois plus "
            "élevé que la moyenne nationale. Labellisée en juillet 2021, la cité a fait valider "
            "sa feuille de route par une trentaine de partenaires dès l'automne. Elle suit deux "
            "cohortes : des jeunes en contrat d'engagement jeune et des femmes au chômage de "
            "longue durée. Son forum « L'emploi en jeu » a attiré quelque 700 visiteurs en juin "
            "2022."
        ),
    },
    {
        "slug": "pau",
        "code": "cde-006",
        "name": "Cité de l'emploi de Pau",
        "short_name": "Pau",
        "region": "75",
        "departement_code": "64",
        "departement": "Pyrénées-Atlantiques",
        "structure_porteuse": "GIP-DSU de l'agglomération paloise",
        "copilote_prefecture": (
            "Préfecture des Pyrénées-Atlantiques (déléguée du préfet pour la politique de la ville)"
        ),
        "copilote_collectivite": "Communauté d'agglomération Pau Béarn Pyrénées",
        "qpvs": [
            {"name": "Saragosse", "commune": "Pau", "population": 4110},
            {"name": "Ousse des Bois", "commune": "Pau", "population": 2100},
        ],
        "wave": 2,
        "labellisation_date": datetime.date(2021, 7, 1),
        "coordinator": {
            "first_name": "Claire",
            "last_name": "Etcheverry",
            "email": "claire.etcheverry@demo.cites-emploi.fr",
            "phone": "05 59 00 00 06",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Nicolas",
            "last_name": "Lacoste",
            "email": "nicolas.lacoste@demo.cites-emploi.fr",
            "phone": "05 59 00 00 16",
            "fonction": "Conseiller en accompagnement global",
            "organisation": "France Travail Pau",
        },
        "themes": ["savoirs-de-base", "competences-numeriques", "mobilite", "sante-handicap"],
        "publics_cibles": ["seniors", "femmes", "personnes-allophones"],
        "axes": [
            "Accompagner une cohorte dans toutes les dimensions de la vie",
            "Développer le français à visée professionnelle",
            "Lutter contre l'illectronisme avec des ateliers numériques",
            "Mieux prendre en compte la santé mentale",
            "Formaliser des parcours reproductibles pour tous les habitants",
        ],
        "presentation": (
            "À Pau, la cité est un véritable lieu : elle accueille ses bénéficiaires au Club "
            "Emploi et Développement du Hameau et de Saragosse. Animée conjointement par le "
            "GIP-DSU et les services emploi de l'agglomération, elle vise trois publics (seniors, femmes, "
            "personnes migrantes) dans deux quartiers. Une cohorte d'une cinquantaine de "
            "personnes, lancée en janvier 2022, est suivie par un conseiller France Travail et un "
            "adulte-relais, pour inventer des parcours transposables à d'autres habitants."
        ),
    },
    {
        "slug": "vaulx-en-velin",
        "code": "cde-007",
        "name": "Cité de l'emploi de Vaulx-en-Velin",
        "short_name": "Vaulx-en-Velin",
        "region": "84",
        "departement_code": "69",
        "departement": "Rhône",
        "structure_porteuse": (
            "Ville de Vaulx-en-Velin et Maison métropolitaine d'insertion pour l'emploi (MMIE)"
        ),
        "copilote_prefecture": "Préfecture du Rhône",
        "copilote_collectivite": "Ville de Vaulx-en-Velin",
        # Seeds: all three QPV of the town; more than half of its 52 795 inhabitants live in QPV.
        "qpvs": [
            {"name": "Grande Île", "commune": "Vaulx-en-Velin", "population": 21000},  # plausible
            {"name": "Sud", "commune": "Vaulx-en-Velin", "population": 5800},  # plausible
            {
                "name": "Terraillon - Chénier",
                "commune": "Vaulx-en-Velin",
                "population": 2400,  # plausible
            },
        ],
        # Seeds: 1st wave (2020); first copil in October 2020. The exact date is ours.
        "wave": 1,
        "labellisation_date": datetime.date(2020, 9, 1),  # plausible
        "coordinator": {
            "first_name": "Samia",
            "last_name": "Boukhari",
            "email": "samia.boukhari@demo.cites-emploi.fr",
            "phone": "04 72 00 00 07",
            "fonction": "Chargée de projets emploi-insertion, Ville de Vaulx-en-Velin",
        },
        "partner": {
            "first_name": "Pierre",
            "last_name": "Morel",
            "email": "pierre.morel@demo.cites-emploi.fr",
            "phone": "04 72 00 00 17",
            "fonction": "Coordinateur emploi-insertion",
            "organisation": "Maison métropolitaine d'insertion pour l'emploi (MMIE)",
        },
        "themes": ["reseau-professionnel", "mobilite"],
        "publics_cibles": ["tous", "jeunes"],
        "axes": [
            "Aller vers les habitants",
            "Favoriser la mobilité internationale des jeunes",
            "Renforcer l'insertion par l'activité économique",
            "Mobiliser les entreprises",
            "Rendre l'offre plus lisible et éviter la concurrence entre dispositifs",
        ],
        "presentation": (
            "Labellisée dès la première vague, la cité a validé son plan d'actions lors d'un "
            "premier comité de pilotage en octobre 2020 et lancé ses actions à l'automne. Plus de "
            "la moitié des Vaudais vivent en quartier prioritaire et le chômage y dépassait 22 % "
            "en 2019. Sans public cible affiché, elle profite surtout aux moins de 30 ans ; "
            "l'animation est partagée entre la Ville et la MMIE, en s'appuyant sur les instances "
            "existantes."
        ),
    },
    {
        "slug": "villeurbanne",
        "code": "cde-008",
        "name": "Cité de l'emploi de Villeurbanne",
        "short_name": "Villeurbanne",
        "region": "84",
        "departement_code": "69",
        "departement": "Rhône",
        "structure_porteuse": "Ville de Villeurbanne",
        "copilote_prefecture": "Préfecture du Rhône",
        "copilote_collectivite": "Ville de Villeurbanne",
        # Seeds: six QPV, about 14 000 inhabitants (State perimeter). Five names are public
        # knowledge, the split is ours.
        "qpvs": [
            {"name": "Saint-Jean", "commune": "Villeurbanne", "population": 3800},  # plausible
            {"name": "Les Buers", "commune": "Villeurbanne", "population": 3200},  # plausible
            {"name": "Tonkin", "commune": "Villeurbanne", "population": 2600},  # plausible
            {"name": "Les Brosses", "commune": "Villeurbanne", "population": 2400},  # plausible
            {"name": "Jacques Monod", "commune": "Villeurbanne", "population": 2000},  # plausible
        ],
        "wave": 2,
        # Seeds: "summer 2021".
        "labellisation_date": datetime.date(2021, 7, 1),
        "coordinator": {
            "first_name": "Aurélie",
            "last_name": "Fontaine",
            "email": "aurelie.fontaine@demo.cites-emploi.fr",
            "phone": "04 78 00 00 08",
            "fonction": "Coordinatrice emploi-insertion, Ville de Villeurbanne",
        },
        "partner": {
            "first_name": "Malik",
            "last_name": "Saïdi",
            "email": "malik.saidi@demo.cites-emploi.fr",
            "phone": "04 78 00 00 18",
            "fonction": "Conseiller en insertion",
            "organisation": "Mission locale de Villeurbanne",
        },
        "themes": ["reseau-professionnel", "contraintes-familiales"],
        "publics_cibles": ["tous", "femmes"],
        "axes": [
            "Écrire une feuille de route partagée avec l'appui d'une AMO",
            "S'appuyer sur les instances techniques déjà en place",
            "Améliorer l'accès des femmes à l'activité",  # plausible
            "Coordonner les prestataires retenus pour les actions",  # plausible
        ],
        "presentation": (
            "La cité de Villeurbanne, labellisée à l'été 2021, a pris le temps de poser sa "
            "méthode : feuille de route et recherche d'une assistance à maîtrise d'ouvrage "
            "jusqu'en janvier 2022, plan d'action au printemps, premières actions en septembre "
            "2022. Elle couvre les six quartiers prioritaires de la ville sans public cible "
            "particulier, avec un comité de pilotage dédié. Le taux d'activité des femmes y est "
            "plus faible dans certains quartiers."
        ),
    },
    {
        "slug": "saint-etienne-metropole",
        "code": "cde-009",
        "name": "Cité de l'emploi de Saint-Étienne Métropole",
        "short_name": "Saint-Étienne Métropole",
        "region": "84",
        "departement_code": "42",
        "departement": "Loire",
        "structure_porteuse": "Saint-Étienne Métropole",
        "copilote_prefecture": "Préfecture de la Loire",
        "copilote_collectivite": "Saint-Étienne Métropole",
        # Seeds: the 15 QPV of the metropole (7 communes), 41 020 inhabitants. Only a few
        # of them are listed here; their figures are ours.
        "qpvs": [
            {"name": "Montreynaud", "commune": "Saint-Étienne", "population": 6500},  # plausible
            {
                "name": "Tarentaize - Beaubrun - Couriot",
                "commune": "Saint-Étienne",
                "population": 7600,  # plausible
            },
            {
                "name": "Crêt de Roch - Soleil",
                "commune": "Saint-Étienne",
                "population": 4200,  # plausible
            },
            {
                "name": "Cotonne - Montferré",
                "commune": "Saint-Étienne",
                "population": 3100,  # plausible
            },
            {"name": "Fonsala", "commune": "Saint-Chamond", "population": 2300},  # plausible
            {"name": "Firminy Vert", "commune": "Firminy", "population": 2900},  # plausible
        ],
        "wave": 2,
        # Seeds: file filed in May 2021, answer in July 2021.
        "labellisation_date": datetime.date(2021, 7, 1),
        "coordinator": {
            "first_name": "Vincent",
            "last_name": "Royer",
            "email": "vincent.royer@demo.cites-emploi.fr",
            "phone": "04 77 00 00 09",
            "fonction": "Chargé de mission cité de l'emploi",
        },
        "partner": {
            "first_name": "Nadège",
            "last_name": "Perrin",
            "email": "nadege.perrin@demo.cites-emploi.fr",
            "phone": "04 77 00 00 19",
            "fonction": "Chargée de mission emploi",
            "organisation": "DDETS de la Loire",
        },
        "themes": ["reseau-professionnel", "mobilite"],
        "publics_cibles": ["tous"],
        "axes": [
            "Renforcer les groupes de travail emploi du contrat de ville",
            "Décliner l'animation par quartier et par commune",
            "Faciliter l'accès au droit commun dans les 15 QPV",  # plausible
            "Mieux relier les entreprises du territoire aux quartiers",  # plausible
        ],
        "presentation": (
            "Portée conjointement par l'État et la Métropole, la cité stéphanoise couvre les "
            "quinze quartiers prioritaires répartis sur sept communes, soit un peu plus de "
            "41 000 habitants et environ 6 700 demandeurs d'emploi. Plutôt que de créer de "
            "nouvelles instances, elle renforce celles du contrat de ville : comité de pilotage, "
            "groupes de travail emploi à l'échelle métropolitaine puis déclinés par quartier ou "
            "par ville."
        ),
    },
    {
        "slug": "chartres-dreux",
        "code": "cde-010",
        "name": "Cité de l'emploi de Chartres-Dreux",
        "short_name": "Chartres-Dreux",
        "region": "24",
        "departement_code": "28",
        "departement": "Eure-et-Loir",
        "structure_porteuse": "Agglo du Pays de Dreux",  # plausible
        "copilote_prefecture": "Préfecture d'Eure-et-Loir (sous-préfecture de Dreux)",
        "copilote_collectivite": "Agglo du Pays de Dreux et Chartres Métropole",  # plausible
        "qpvs": [
            {"name": "Dunant - Kennedy", "commune": "Dreux", "population": 3400},  # plausible
            {
                "name": "Les Bâtes - Tabellionne",
                "commune": "Dreux",
                "population": 2900,  # plausible
            },
            {"name": "Beaulieu", "commune": "Chartres", "population": 3100},  # plausible
        ],
        "wave": 2,  # plausible
        "labellisation_date": datetime.date(2021, 7, 1),  # plausible
        "coordinator": {
            "first_name": "Julie",
            "last_name": "Marchand",
            "email": "julie.marchand@demo.cites-emploi.fr",
            "phone": "02 37 00 00 10",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Olivier",
            "last_name": "Garnier",
            "email": "olivier.garnier@demo.cites-emploi.fr",
            "phone": "02 37 00 00 20",
            "fonction": "Conseiller jeunes",
            "organisation": "Mission locale de Dreux",  # plausible
        },
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["jeunes"],
        "axes": [
            "Offrir un mentor aux jeunes de l'agglomération drouaise",
            "Mobiliser chefs d'entreprise en activité et retraités",
            "Inscrire la cité dans le plan « 1 jeune, 1 mentor »",
        ],
        "presentation": (
            "En Eure-et-Loir, la cité de l'emploi a lancé, à l'initiative du sous-préfet de "
            "Dreux, un Club du Mentorat. Des dirigeants d'entreprise, en poste ou retraités, y "
            "accompagnent individuellement des jeunes des quartiers de l'agglomération drouaise "
            "pour leur ouvrir les portes du monde professionnel, dans le sillage du plan "
            "« 1 jeune, 1 mentor » de 2021."
        ),
    },
    {
        "slug": "tremblay-en-france",
        "code": "cde-011",
        "name": "Cité de l'emploi de Tremblay-en-France",
        "short_name": "Tremblay-en-France",
        "region": "11",
        "departement_code": "93",
        "departement": "Seine-Saint-Denis",
        "structure_porteuse": "Boutique Club Emploi de Tremblay-en-France",
        "copilote_prefecture": "Préfecture de la Seine-Saint-Denis",
        "copilote_collectivite": "Ville de Tremblay-en-France",  # plausible
        "qpvs": [
            {
                "name": "Centre-ville (Grand ensemble)",  # plausible
                "commune": "Tremblay-en-France",
                "population": 8000,  # plausible
            },
        ],
        # Seeds: the Boutique Club Emploi was labelled cité de l'emploi in November 2020.
        "wave": 1,
        "labellisation_date": datetime.date(2020, 11, 1),
        "coordinator": {
            "first_name": "Sarah",
            "last_name": "Diallo",
            "email": "sarah.diallo@demo.cites-emploi.fr",
            "phone": "01 49 00 00 11",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Damien",
            "last_name": "Roussel",
            "email": "damien.roussel@demo.cites-emploi.fr",
            "phone": "01 49 00 00 21",
            "fonction": "Conseiller entreprises",
            "organisation": "France Travail Tremblay-en-France",  # plausible
        },
        "themes": ["reseau-professionnel", "mobilite"],
        "publics_cibles": ["tous", "demandeurs-emploi-longue-duree"],
        "axes": [
            "Faire découvrir les zones d'activités du territoire",
            "Préparer les candidats à rencontrer les employeurs",
            "Proposer une programmation estivale d'actions emploi",
        ],
        "presentation": (
            "À Tremblay-en-France, c'est la Boutique Club Emploi qui porte la cité, labellisée en "
            "novembre 2020. Sa programmation d'été comprend notamment « Cycl'Emploi », un rallye "
            "à vélo ou à pied vers les entreprises des zones d'activités voisines. Les "
            "participants s'y préparent en amont avec un conseiller en insertion : pitch, CV et "
            "carte de visite."
        ),
    },
    {
        "slug": "sedan",
        "code": "cde-012",
        "name": "Cité de l'emploi de Sedan",
        "short_name": "Sedan",
        "region": "44",
        "departement_code": "08",
        "departement": "Ardennes",
        "structure_porteuse": "Ardenne Métropole",  # plausible
        "copilote_prefecture": "Préfecture des Ardennes (sous-préfecture de Sedan)",
        "copilote_collectivite": "Ardenne Métropole",  # plausible
        "qpvs": [
            {"name": "Le Lac", "commune": "Sedan", "population": 3200},  # plausible
            {"name": "Torcy", "commune": "Sedan", "population": 3000},  # plausible
        ],
        "wave": 2,  # plausible
        "labellisation_date": datetime.date(2021, 7, 1),  # plausible
        "coordinator": {
            "first_name": "Marion",
            "last_name": "Collin",
            "email": "marion.collin@demo.cites-emploi.fr",
            "phone": "03 24 00 00 12",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Kevin",
            "last_name": "Lambert",
            "email": "kevin.lambert@demo.cites-emploi.fr",
            "phone": "03 24 00 00 22",
            "fonction": "Médiateur adulte-relais",
            "organisation": "Mission locale de Sedan",  # plausible
        },
        "themes": ["contraintes-familiales", "reseau-professionnel"],
        "publics_cibles": ["femmes", "jeunes"],
        "axes": [
            "Lever les freins liés à la garde d'enfants avec les parents",
            "Faire connaître les métiers de la petite enfance",
            "Provoquer des rencontres originales avec les employeurs",
        ],
        "presentation": (
            "Dans des quartiers à la population jeune, la cité sedanaise a fait de la garde "
            "d'enfants un sujet de travail collectif : un groupe de parole réunit les parents "
            "tous les deux mois avec un psychologue de la mission locale et un adulte-relais. "
            "Elle mise aussi sur des formats de recrutement décalés, comme un jeu d'évasion "
            "couplé à un job dating au château fort en novembre 2021."
        ),
    },
    {
        "slug": "val-de-reuil",
        "code": "cde-013",
        "name": "Cité de l'emploi de Val-de-Reuil",
        "short_name": "Val-de-Reuil",
        "region": "28",
        "departement_code": "27",
        "departement": "Eure",
        "structure_porteuse": "Ville de Val-de-Reuil (service municipal de l'emploi)",  # plausible
        "copilote_prefecture": "Préfecture de l'Eure",
        "copilote_collectivite": "Ville de Val-de-Reuil",  # plausible
        "qpvs": [
            {
                "name": "Centre - Germe de Ville",  # plausible
                "commune": "Val-de-Reuil",
                "population": 7500,  # plausible
            },
        ],
        "wave": 2,  # plausible
        "labellisation_date": datetime.date(2021, 7, 1),  # plausible
        "coordinator": {
            "first_name": "Virginie",
            "last_name": "Lemaire",
            "email": "virginie.lemaire@demo.cites-emploi.fr",
            "phone": "02 32 00 00 13",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Antoine",
            "last_name": "Duval",
            "email": "antoine.duval@demo.cites-emploi.fr",
            "phone": "02 32 00 00 23",
            "fonction": "Conseiller en insertion",
            "organisation": "Mission locale de Val-de-Reuil",  # plausible
        },
        "themes": ["mobilite", "contraintes-familiales"],
        "publics_cibles": ["jeunes", "femmes"],
        "axes": [
            "Développer des solutions de mobilité (deux-roues, garage solidaire)",
            "Financer le permis des jeunes contre du bénévolat",
            "Garantir un accueil en crèche aux parents en parcours",
            "Sécuriser l'accès à l'alternance",
        ],
        "presentation": (
            "À Val-de-Reuil, sept actifs sur dix doivent prendre un véhicule personnel pour "
            "aller travailler : la mobilité est donc au cœur de la cité. Elle travaille avec "
            "l'association Ifair (prêt de cyclomoteurs, atelier de réparation) et la Ville a créé "
            "en janvier 2022 un « permis citoyen » pour les 17-25 ans. La cité agit aussi sur la "
            "garde d'enfants pour permettre aux parents de se former."
        ),
    },
    {
        "slug": "marseille-quartiers-nord",
        "code": "cde-014",
        "name": "Cité de l'emploi des Quartiers Nord de Marseille",
        "short_name": "Marseille Quartiers Nord",
        "region": "93",
        "departement_code": "13",
        "departement": "Bouches-du-Rhône",
        "structure_porteuse": "GIP Politique de la ville de Marseille",  # plausible
        "copilote_prefecture": (
            "Préfecture des Bouches-du-Rhône (préfète déléguée pour l'égalité des chances)"
        ),
        "copilote_collectivite": "Métropole Aix-Marseille-Provence",  # plausible
        "qpvs": [
            {
                "name": "Frais Vallon - Le Mail - Petit Séminaire",
                "commune": "Marseille (13e arrondissement)",
                "population": 9500,  # plausible
            },
            {
                "name": "Malpassé - Corot",
                "commune": "Marseille (13e arrondissement)",
                "population": 8200,  # plausible
            },
            {
                "name": "La Savine",
                "commune": "Marseille (15e arrondissement)",
                "population": 2600,  # plausible
            },
        ],
        "wave": 1,  # plausible
        "labellisation_date": datetime.date(2020, 11, 1),  # plausible
        "coordinator": {
            "first_name": "Leïla",
            "last_name": "Amrani",
            "email": "leila.amrani@demo.cites-emploi.fr",
            "phone": "04 91 00 00 14",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Hugo",
            "last_name": "Fabre",
            "email": "hugo.fabre@demo.cites-emploi.fr",
            "phone": "04 91 00 00 24",
            "fonction": "Chargé de projets entreprises",
            "organisation": "FACE Sud",
        },
        "themes": ["reseau-professionnel", "contraintes-familiales", "mobilite"],
        "publics_cibles": ["femmes", "tous"],
        "axes": [
            "S'appuyer sur les cellules de concertation MOVE pour orienter",
            "Ouvrir le réseau professionnel des femmes éloignées de l'emploi",
            "Informer les familles sur les modes d'accueil de la petite enfance",
        ],
        "presentation": (
            "Dans les 13e et 15e arrondissements, la cité s'est greffée sur les cellules de "
            "concertation du dispositif MOVE, qui réunissaient déjà France Travail, la mission "
            "locale et des associations. Avec FACE Sud et Cap au Nord Entreprendre, elle a créé "
            "« Les pionnières 100 % inclusion » pour des femmes peu mobiles, et un kiosque "
            "d'information sur les modes d'accueil de la petite enfance."
        ),
    },
    {
        "slug": "roubaix",
        "code": "cde-015",
        "name": "Cité de l'emploi de Roubaix",
        "short_name": "Roubaix",
        "region": "32",
        "departement_code": "59",
        "departement": "Nord",
        "structure_porteuse": "Ville de Roubaix",  # plausible
        "copilote_prefecture": "Préfecture du Nord",
        "copilote_collectivite": "Ville de Roubaix",  # plausible
        "qpvs": [
            {
                "name": "L'Épeule - Alma - Trichon",  # plausible
                "commune": "Roubaix",
                "population": 12000,  # plausible
            },
        ],
        "wave": 1,  # plausible
        "labellisation_date": datetime.date(2020, 11, 1),  # plausible
        "coordinator": {
            "first_name": "Nora",
            "last_name": "Kaci",
            "email": "nora.kaci@demo.cites-emploi.fr",
            "phone": "03 20 00 00 15",
            "fonction": "Coordinatrice de la cité de l'emploi",
        },
        "partner": {
            "first_name": "Bastien",
            "last_name": "Dupont",
            "email": "bastien.dupont@demo.cites-emploi.fr",
            "phone": "03 20 00 00 25",
            "fonction": "Médiateur numérique",
            "organisation": "Le Fil de l'Épeule",
        },
        "themes": ["competences-numeriques"],
        "publics_cibles": ["tous"],
        "axes": [
            "Déployer une stratégie d'inclusion numérique à l'échelle de la ville",
            "Former sur smartphone et tablette plutôt que sur ordinateur",
            "Accueillir les habitants dans un espace numérique convivial",
        ],
        "presentation": (
            "La cité roubaisienne a fait de l'inclusion numérique une priorité, avec "
            "l'association Le Fil de l'Épeule. L'accompagnement part des outils que les habitants "
            "utilisent déjà, smartphones et tablettes, et se déroule dans un espace pensé comme "
            "un salon. Cette démarche est citée par l'ANCT parmi les actions innovantes du "
            "réseau."
        ),
    },
]

# ---------------------------------------------------------------------------------------------
# 2. The eight champs d'action (vadémécum: "lever les freins périphériques à l'emploi")
# ---------------------------------------------------------------------------------------------

THEME_DESCRIPTIONS = {
    "reseau-professionnel": (
        "Beaucoup d'habitants des quartiers n'ont pas de carnet d'adresses professionnel, alors "
        "que le réseau ouvre l'accès au marché caché, aux conseils et aux recommandations. Les "
        "cités de l'emploi créent des occasions de rencontre avec les entreprises : mentorat, "
        "visites, job datings, clubs d'entreprises."
    ),
    "savoirs-de-base": (
        "Lire, écrire, compter et parler français restent des prérequis pour entrer en "
        "formation qualifiante ou en emploi. Il s'agit de repérer ces besoins, d'orienter vers "
        "les outils existants (EVA, CléA, contrat d'engagement jeune) et de valoriser aussi les "
        "compétences transversales."
    ),
    "competences-numeriques": (
        "Chercher un emploi ou faire ses démarches passe désormais par le numérique, que "
        "beaucoup ne maîtrisent pas pleinement. Les cités relaient les dispositifs d'inclusion "
        "numérique et font découvrir les métiers du numérique, qui recrutent sans toujours "
        "exiger de diplôme."
    ),
    "contraintes-familiales": (
        "Sans solution de garde, le retour à l'emploi est souvent impossible, surtout pour les "
        "mères seules ; les violences conjugales pèsent aussi sur les parcours. Les cités "
        "informent sur les modes d'accueil et les aides, et font connaître les métiers de la "
        "petite enfance."
    ),
    "mobilite": (
        "Faute de pouvoir se déplacer, certains abandonnent un poste ou un stage : manque de "
        "transports, coût du permis ou du véhicule, appréhension des transports en commun. Les "
        "cités mobilisent plates-formes de mobilité, aides au permis, microcrédit et actions de "
        "sensibilisation."
    ),
    "logement": (
        "Sans un toit correct et à la taille du foyer, difficile de construire un parcours "
        "d'insertion. Les cités s'appuient sur les bailleurs sociaux, l'Adil, les CCAS et "
        "les aides d'Action Logement pour lever ce frein."
    ),
    "precarite-financiere": (
        "La pauvreté touche plus de 40 % des habitants des quartiers prioritaires et une partie "
        "d'entre eux ne demande pas les aides auxquelles ils ont droit. Les cités orientent vers "
        "l'accès aux droits, l'accompagnement budgétaire et le microcrédit."
    ),
    "sante-handicap": (
        "La mauvaise santé est à la fois cause et conséquence de la précarité, et les plus "
        "pauvres renoncent plus souvent aux soins. Les cités tissent des liens avec l'Assurance "
        "maladie, les équipes mobiles psychiatrie-précarité, l'Agefiph ou les centres de santé "
        "pour que la santé ne bloque plus le parcours."
    ),
}

# ---------------------------------------------------------------------------------------------
# 3. Programme facts (home page and "à propos")
# ---------------------------------------------------------------------------------------------

PROGRAMME_FACTS = {
    "intro": (
        "Expérimentées depuis mars 2020, les cités de l'emploi réunissent autour d'une même "
        "table tous les acteurs locaux de l'emploi, de l'insertion et de la formation, "
        "pour que les habitants des quartiers prioritaires bénéficient du même accompagnement "
        "que les autres. Ce n'est ni un lieu ni un dispositif de plus, mais un cadre de "
        "coopération qui raccroche les publics au droit commun et invente des réponses là où il "
        "manque. Vingt-quatre cités ont été labellisées en 2020 et soixante en 2021."
    ),
    "chiffres": [
        {"value": "84", "label": "cités de l'emploi labellisées (24 en 2020, 60 en 2021)"},
        {"value": "552", "label": "quartiers prioritaires couverts"},
        {"value": "100 000 €", "label": "de crédits par an et par cité labellisée"},
        {"value": "36", "label": "partenaires mobilisés en moyenne par cité"},
        {"value": "88 194", "label": "bénéficiaires d'actions d'aller-vers"},
    ],
    "principes": [
        "Un co-pilotage entre la préfecture de département et une collectivité, de préférence "
        "l'intercommunalité",
        "Un diagnostic territorial partagé, puis un plan d'action commun",
        "Le raccrochage au droit commun d'abord, sans créer d'échelon supplémentaire",
        "Une approche par cohorte de bénéficiaires pour les besoins non couverts",
        "Un partenariat large : service public de l'emploi, associations, bailleurs, CCAS, "
        "entreprises et chambres consulaires",
    ],
    "anct": (
        "L'Agence nationale de la cohésion des territoires anime, suit et évalue le réseau, en "
        "lien avec la DGEFP. Elle organise des cafés-cités toutes les trois semaines et des "
        "groupes de travail thématiques, et propose un espace d'échange sur La Grande Équipe."
    ),
}

# ---------------------------------------------------------------------------------------------
# 4. Cafés-cités (only the two sessions the seeds identify by number and date)
# ---------------------------------------------------------------------------------------------

CAFES_CITES = [
    {
        "number": 13,
        "date": datetime.date(2021, 10, 1),
        "themes": ["competences-numeriques"],
        "title": "Fracture numérique : les outils à la disposition des cités",
        "description": (
            "Tour d'horizon des ressources mobilisables par les cités qui veulent agir sur "
            "l'inclusion numérique : Aidants Connect, Pass numérique, conseillers numériques "
            "France Services, Grande École du Numérique et RéZolutions Numériques."
        ),
        # The seeds do not name the speakers of this session.
        "speakers": [
            {
                "name": "L'équipe du programme Société numérique de l'ANCT",  # plausible
                "cite": "ANCT",
            },
        ],
    },
    {
        "number": 17,
        "date": datetime.date(2022, 1, 10),
        "themes": ["mobilite"],
        "title": "Mobilité : lever les obstacles qui éloignent de l'emploi",
        "description": (
            "Échanges sur les difficultés de déplacement des habitants des quartiers et sur les "
            "leviers repérés par l'ANCT dans sa note de cadrage : sensibilisation, aides au "
            "permis, microcrédit, véhicules à tarif social, plates-formes de mobilité."
        ),
        # The seeds do not name the speakers of this session.
        "speakers": [
            {
                "name": "La cheffe de projet cités de l'emploi de l'ANCT",  # plausible
                "cite": "ANCT",
            },
            {
                "name": "Un représentant de Wimoov, partenaire de l'ANCT",  # plausible
                "cite": "",
            },
        ],
    },
]

# ---------------------------------------------------------------------------------------------
# 5a. Actions inspirantes (all described in the seeds)
# ---------------------------------------------------------------------------------------------

ACTIONS_INSPIRANTES = [
    {
        "slug": "club-du-mentorat-chartres-dreux",
        "title": "Un Club du Mentorat pour les jeunes drouais",
        "cite_name": "Cité de l'emploi de Chartres-Dreux",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["jeunes"],
        "summary": (
            "Des chefs d'entreprise, en activité ou retraités, parrainent des jeunes de "
            "l'agglomération de Dreux pour faciliter leur entrée dans la vie professionnelle."
        ),
        "body": (
            "<p>Lancé à l'initiative du sous-préfet de Dreux, le Club du Mentorat s'inscrit dans "
            "le plan <strong>« 1 jeune, 1 mentor »</strong> annoncé au printemps 2021.</p>"
            "<p>Chaque jeune est suivi de près par un dirigeant qui partage son expérience, ses "
            "conseils et son réseau :</p>"
            "<ul><li>préparation aux entretiens ;</li>"
            "<li>découverte des codes de l'entreprise ;</li>"
            "<li>mises en relation avec des employeurs.</li></ul>"
        ),
        "partners": ["Sous-préfecture de Dreux", "Chefs d'entreprise du territoire"],
        "results": "",
    },
    {
        "slug": "cycl-emploi-tremblay-en-france",
        "title": "Cycl'Emploi, le rallye des entreprises",
        "cite_name": "Cité de l'emploi de Tremblay-en-France",
        "themes": ["reseau-professionnel", "mobilite"],
        "publics_cibles": ["tous"],
        "summary": (
            "Le 13 juillet 2022, une dizaine de demandeurs d'emploi ont parcouru à vélo ou à pied "
            "deux zones d'activités pour se présenter directement aux entreprises."
        ),
        "body": (
            "<p>Inscrit dans la programmation d'été de la Boutique Club Emploi, le rallye a "
            "formé deux équipes, cyclistes et marcheurs, encadrées chacune par un conseiller en "
            "insertion professionnelle.</p>"
            "<p>La préparation comptait autant que la sortie :</p>"
            "<ul><li>un <strong>book collectif</strong> remis aux employeurs, avec CV et carte "
            "de visite de chacun (projet, qualités, coordonnées) ;</li>"
            "<li>un atelier « pitch » pour s'entraîner à se présenter.</li></ul>"
        ),
        "partners": ["Boutique Club Emploi", "Entreprises des zones d'activités"],
        "results": "Une dizaine de participants, deux zones d'activités visitées.",
    },
    {
        "slug": "les-pionnieres-100-inclusion-marseille",
        "title": "Les pionnières 100 % inclusion",
        "cite_name": "Cité de l'emploi des Quartiers Nord de Marseille",
        "themes": ["reseau-professionnel", "mobilite"],
        "publics_cibles": ["femmes"],
        "summary": (
            "Des femmes peu mobiles et éloignées de l'emploi vont, en groupe et en transports en "
            "commun, à la rencontre de dirigeantes et de salariées d'entreprises."
        ),
        "body": (
            "<p>Le projet s'adresse à des femmes qui sortent peu de leur quartier. Pendant "
            "plusieurs mois, elles se rendent ensemble dans des entreprises en utilisant les "
            "transports en commun, ce qui rend la mobilité plus familière.</p>"
            "<p>Sur place, elles échangent avec des dirigeantes et des salariées dont les "
            "parcours n'ont pas toujours été linéaires : l'identification est plus facile et la "
            "confiance revient.</p>"
        ),
        "partners": ["FACE Sud", "Cap au Nord Entreprendre"],
        "results": "",
    },
    {
        "slug": "forum-pour-l-avenir-strasbourg",
        "title": "Le Forum pour l'avenir au cœur d'un quartier",
        "cite_name": "Cité de l'emploi de Strasbourg",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["jeunes", "femmes"],
        "summary": (
            "En juin 2022, un forum emploi pour les moins de 30 ans a été co-organisé avec des "
            "entreprises signataires du PaQte, dans un centre socio-culturel de QPV."
        ),
        "body": (
            "<p>Trois choix distinguent ce forum :</p>"
            "<ul><li>le lieu, un centre socio-culturel situé en quartier prioritaire ;</li>"
            "<li>la préparation de dix jeunes femmes en amont, pour reprendre confiance et mettre "
            "en valeur leurs compétences ;</li>"
            "<li>leur suivi après l'événement.</li></ul>"
        ),
        "partners": ["Collectif d'entreprises signataires du PaQte", "Centre socio-culturel"],
        "results": "Dix jeunes femmes préparées et suivies.",
    },
    {
        "slug": "escape-game-job-dating-sedan",
        "title": "Escape game et job dating au château fort",
        "cite_name": "Cité de l'emploi de Sedan",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["tous"],
        "summary": (
            "En novembre 2021, recruteurs et demandeurs d'emploi se sont d'abord affrontés en "
            "équipe dans un jeu d'évasion, puis ont enchaîné sur un job dating, au château fort."
        ),
        "body": (
            "<p>Pour casser les a priori de part et d'autre, la cité a misé sur le jeu : "
            "recruteurs de différents secteurs et bénéficiaires de la cité ont dû coopérer et "
            "communiquer pour résoudre les énigmes.</p>"
            "<p>Le job dating qui a suivi s'est déroulé dans un climat plus détendu, propice aux "
            "échanges.</p>"
        ),
        "partners": ["Entreprises qui recrutent du bassin sedanais"],
        "results": "",
    },
    {
        "slug": "groupe-de-parole-parents-sedan",
        "title": "Un groupe de parole sur la garde d'enfants",
        "cite_name": "Cité de l'emploi de Sedan",
        "themes": ["contraintes-familiales"],
        "publics_cibles": ["femmes", "jeunes"],
        "summary": (
            "Tous les deux mois, des parents échangent sur leurs freins à faire garder leurs "
            "enfants, avec un psychologue de la mission locale et un médiateur adulte-relais."
        ),
        "body": (
            "<p>Les discussions abordent aussi bien les craintes et les représentations (confier "
            "son enfant, le rôle de la mère) que les horaires atypiques ou le coût de la "
            "garde.</p>"
            "<p>Un responsable de crèche disposant de <strong>places à vocation d'insertion "
            "professionnelle</strong> est venu expliquer l'accueil, et le groupe a visité la "
            "crèche.</p>"
            "<p>Un centre social a pris le relais pour organiser une journée d'information sur la "
            "garde d'enfants, puis un job dating consacré aux métiers de la petite enfance.</p>"
        ),
        "partners": ["Mission locale", "Crèche avec places AVIP", "Centre social"],
        "results": "Des parents qui reviennent régulièrement et découvrent la petite enfance.",
    },
    {
        "slug": "buzziness-grand-narbonne",
        "title": "Buzz'INESS : trois mois pour trouver un emploi",
        "cite_name": "Cité de l'emploi du Grand Narbonne",
        "themes": ["reseau-professionnel", "competences-numeriques"],
        "publics_cibles": ["jeunes"],
        "summary": (
            "En février 2021, un programme intensif a accompagné de jeunes diplômés sans emploi "
            "(bac +1 à bac +5) : bilan de compétences, ateliers et rencontres d'entreprises."
        ),
        "body": (
            "<p>Le parcours débute par un bilan de compétences de huit heures environ, réparti "
            "sur une dizaine de jours.</p>"
            "<p>Viennent ensuite des ateliers animés par les partenaires de la cité et des "
            "entreprises signataires du PaQte :</p>"
            "<ul><li>s'exprimer devant un groupe ;</li>"
            "<li>réseaux sociaux professionnels ;</li>"
            "<li>CV, tests de langue et simulations d'entretien.</li></ul>"
        ),
        "partners": ["CBC Méditerranée", "IN'ESS (Grand Narbonne)", "Entreprises du PaQte"],
        "results": "Un participant a signé un contrat de responsable événementiel trois mois après.",
    },
    {
        "slug": "l-emploi-en-jeu-la-seyne-sur-mer",
        "title": "« L'emploi en jeu », un forum dans un stade",
        "cite_name": "Cité de l'emploi de La Seyne-sur-Mer",
        "themes": ["reseau-professionnel", "mobilite", "contraintes-familiales"],
        "publics_cibles": ["tous"],
        "summary": (
            "Le 8 juin 2022, un stade de quartier a accueilli une douzaine de villages "
            "thématiques : métiers, recrutement, coaching, mobilité et espace famille."
        ),
        "body": (
            "<p>L'événement voulait bousculer les codes du salon de l'emploi : découverte de "
            "métiers en réalité virtuelle, entretiens de recrutement, coaching, animations pour "
            "les enfants.</p>"
            "<p>Un village mobilité permettait d'essayer des vélos électriques.</p>"
            "<p>Il a aussi rapproché les partenaires, dont certains préparent désormais des "
            "actions communes.</p>"
        ),
        "partners": [
            "Une trentaine d'associations",
            "Quinze organismes de formation",
            "Une soixantaine d'entreprises",
        ],
        "results": "Environ 700 visiteurs.",
    },
    {
        "slug": "metiers-en-famille-la-seyne-sur-mer",
        "title": "Choisir un métier en famille",
        "cite_name": "Cité de l'emploi de La Seyne-sur-Mer",
        "themes": ["contraintes-familiales", "reseau-professionnel"],
        "publics_cibles": ["jeunes"],
        "summary": (
            "Des ateliers réunissent un adolescent et ses parents pour réfléchir ensemble à "
            "l'orientation et rencontrer un professionnel du métier choisi."
        ),
        "body": (
            "<p>Porté par l'association Femme dans la cité, le projet « zoom sur les métiers en "
            "famille » fait dialoguer jeunes, parents et conseillère en insertion autour du "
            "projet d'orientation.</p>"
            "<p>Les jeunes interviewent et filment un professionnel : la capsule vidéo leur fait "
            "aussi travailler de nouvelles compétences.</p>"
            "<p>En complément, l'Apea anime des ateliers d'estime de soi auxquels les jeunes "
            "participent avec un proche.</p>"
        ),
        "partners": ["Femme dans la cité", "Apea"],
        "results": "",
    },
    {
        "slug": "club-eis-maubeuge",
        "title": "Le club EIS, des entreprises aux côtés de la cohorte",
        "cite_name": "Cité de l'emploi de Maubeuge",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["tous"],
        "summary": (
            "Une quinzaine d'entreprises se sont regroupées pour recréer du lien avec les "
            "habitants des quartiers et changer l'image de l'entreprise."
        ),
        "body": (
            "<p>Né au sein de la cité, ce club d'entreprises propose :</p>"
            "<ul><li>des visites d'entreprise et l'accueil de stagiaires ;</li>"
            "<li>du mentorat ;</li>"
            "<li>des périodes de mise en situation en milieu professionnel.</li></ul>"
            "<p>Le club est aujourd'hui financé par le contrat de ville et labellisé PaQte : "
            "l'action est entrée dans le droit commun.</p>"
        ),
        "partners": ["GIP Réussir en Sambre-Avesnois", "Une quinzaine d'entreprises"],
        "results": "Club pérennisé et labellisé PaQte.",
    },
    {
        "slug": "summer-united-maubeuge",
        "title": "Summer United, un job d'été intergénérationnel",
        "cite_name": "Cité de l'emploi de Maubeuge",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["jeunes", "seniors"],
        "summary": (
            "À l'été 2021, dix jeunes de Maubeuge et de Fourmies ont conçu puis animé des "
            "ateliers pour des personnes âgées, dans le cadre de « Quartiers d'été »."
        ),
        "body": (
            "<p>Les jeunes de 18 à 25 ans ont d'abord monté le projet eux-mêmes : planning, "
            "budget, prestataires.</p>"
            "<p>Ils ont ensuite animé des ateliers d'arts graphiques et de jeux pour 90 seniors, "
            "une façon de découvrir les métiers du grand âge, qui recrutent.</p>"
            "<p>Plusieurs ont ensuite été suivis dans la cohorte : reprise d'études, service "
            "civique…</p>"
        ),
        "partners": ["GIP Réussir en Sambre-Avesnois", "Cité de l'emploi de Fourmies"],
        "results": "Dix jobs d'été, 90 seniors participants.",
    },
    {
        "slug": "temps-de-poses-pau",
        "title": "« Temps de poses » : se projeter dans un métier",
        "cite_name": "Cité de l'emploi de Pau",
        "themes": ["reseau-professionnel", "contraintes-familiales"],
        "publics_cibles": ["femmes"],
        "summary": (
            "Des mères ont posé devant l'objectif d'une photographe professionnelle dans des "
            "métiers réputés masculins, pour reprendre confiance et élargir leurs choix."
        ),
        "body": (
            "<p>Première action financée par la cité en 2021, l'opération reprend une idée du "
            "Club régional d'entreprises partenaires de l'insertion (CREPI).</p>"
            "<p>Elle valorise les compétences des participantes et leur fait découvrir des "
            "métiers auxquels elles ne pensaient pas. La photographe est elle-même issue d'un "
            "quartier prioritaire.</p>"
        ),
        "partners": ["CREPI", "GIP-DSU de l'agglomération paloise"],
        "results": "",
    },
    {
        "slug": "masterclass-entrepreneuriat-toulouse",
        "title": "Une masterclass entrepreneuriat et numérique",
        "cite_name": "Cité de l'emploi de Toulouse",
        "themes": ["competences-numeriques", "reseau-professionnel"],
        "publics_cibles": ["tous"],
        "summary": (
            "Du 17 mai au 7 juin 2022, six demi-journées collectives ont aidé des porteurs de "
            "projet à développer leurs compétences numériques."
        ),
        "body": (
            "<p>Organisée par l'association BGE, la masterclass alternait apports et mises en "
            "pratique autour de trois sujets :</p>"
            "<ul><li>le web ;</li><li>l'environnement ;</li><li>le pitch.</li></ul>"
        ),
        "partners": ["BGE"],
        "results": "",
    },
    {
        "slug": "inclusion-numerique-roubaix",
        "title": "Le numérique par le smartphone",
        "cite_name": "Cité de l'emploi de Roubaix",
        "themes": ["competences-numeriques"],
        "publics_cibles": ["tous"],
        "summary": (
            "Une stratégie d'inclusion numérique qui part des smartphones et tablettes des "
            "habitants, dans un espace d'accueil aménagé comme un salon."
        ),
        "body": (
            "<p>Avec l'association Le Fil de l'Épeule, la cité accompagne les habitants des "
            "quartiers populaires sur les outils qu'ils ont déjà en main.</p>"
            "<p>L'accueil se fait dans un lieu dédié, le NEN, pensé pour être chaleureux et "
            "rassurant.</p>"
        ),
        "partners": ["Le Fil de l'Épeule"],
        "results": "",
    },
    {
        "slug": "permis-citoyen-val-de-reuil",
        "title": "Le permis de conduire citoyen",
        "cite_name": "Cité de l'emploi de Val-de-Reuil",
        "themes": ["mobilite"],
        "publics_cibles": ["jeunes"],
        "summary": (
            "Depuis janvier 2022, la Ville prend en charge tout le permis de jeunes de 17 à 25 "
            "ans qui donnent 70 heures de bénévolat à une association locale."
        ),
        "body": (
            "<p>À Val-de-Reuil, sept actifs sur dix ont besoin d'un véhicule personnel pour "
            "aller travailler.</p>"
            "<p>La cité combine plusieurs réponses :</p>"
            "<ul><li>le <strong>permis citoyen</strong> financé par la Ville ;</li>"
            "<li>les services de l'association Ifair : prêt de cyclomoteurs, réparations, "
            "apprentissage des déplacements ;</li>"
            "<li>un projet de prêt de voitures avec un garage solidaire.</li></ul>"
        ),
        "partners": ["Ville de Val-de-Reuil", "Ifair", "Associations locales"],
        "results": "",
    },
    {
        "slug": "mobilite-saint-quentin",
        "title": "Un adulte-relais dédié à la mobilité",
        "cite_name": "Cité de l'emploi de Saint-Quentin",
        "themes": ["mobilite"],
        "publics_cibles": ["tous"],
        "summary": (
            "Pour mieux faire connaître les aides existantes, notamment au permis, la cité a créé "
            "un poste d'adulte-relais mobilité et s'appuie sur une facilitatrice SNCF."
        ),
        "body": (
            "<p>La cité mise d'abord sur l'information : beaucoup d'habitants ne connaissent pas "
            "les aides de droit commun auxquelles ils peuvent prétendre localement.</p>"
            "<p>Une plate-forme mobilité est en projet pour offrir un point d'entrée unique : "
            "accueil, conseil, accompagnement et solutions matérielles.</p>"
        ),
        "partners": ["SNCF"],
        "results": "",
    },
    {
        "slug": "garde-ephemere-saint-brieuc",
        "title": "Une garde d'enfants éphémère sur le lieu de formation",
        "cite_name": "Cité de l'emploi de Saint-Brieuc",
        "themes": ["contraintes-familiales", "savoirs-de-base"],
        "publics_cibles": ["personnes-allophones", "femmes"],
        "summary": (
            "Un mode de garde temporaire pour les 0-3 ans permet à des parents d'origine "
            "étrangère de suivre leur formation de français langue étrangère."
        ),
        "body": (
            "<p>La garde est installée sur le lieu même de la formation.</p>"
            "<p>Au-delà de l'accès aux cours, l'action prépare en douceur la séparation entre "
            "parents et très jeunes enfants, en vue d'un futur emploi.</p>"
        ),
        "partners": ["Organisme de formation FLE"],
        "results": "",
    },
    {
        "slug": "illettrisme-la-porte-du-hainaut",
        "title": "Une journée pour agir ensemble contre l'illettrisme",
        "cite_name": "Cité de l'emploi de La Porte du Hainaut",
        "themes": ["savoirs-de-base"],
        "publics_cibles": ["tous"],
        "summary": (
            "Le 24 juin 2022, les partenaires des cités du Nord se sont formés au repérage de "
            "l'illettrisme avec l'ANLCI."
        ),
        "body": (
            "<p>La rencontre visait à faire connaître et comprendre l'illettrisme, puis à "
            "présenter les outils disponibles :</p>"
            "<ul><li>la plate-forme d'évaluation EVA ;</li>"
            "<li>le certificat CléA ;</li>"
            "<li>les ressources de l'ANLCI.</li></ul>"
        ),
        "partners": ["ANLCI", "Cités de l'emploi du Nord"],
        "results": "",
    },
]

# ---------------------------------------------------------------------------------------------
# 5b. Fiches dispositifs (named in the seeds or common public knowledge; kept factual)
# ---------------------------------------------------------------------------------------------

FICHES_DISPOSITIFS = [
    {
        "slug": "aidants-connect",
        "title": "Aidants Connect",
        "themes": ["competences-numeriques"],
        "publics_cibles": ["tous"],
        "summary": (
            "Un service public qui permet aux aidants professionnels de faire des démarches en "
            "ligne pour le compte d'une personne, dans un cadre juridique sécurisé."
        ),
        "body": (
            "<p>Aidants Connect s'adresse aux professionnels qui aident déjà des usagers en "
            "difficulté avec le numérique : travailleurs sociaux, agents France services, "
            "médiateurs numériques.</p>"
            "<p>Un mandat signé avec la personne encadre l'aide : l'aidant agit en toute "
            "transparence, et la confidentialité des données est protégée.</p>"
        ),
        "porteur": "ANCT (programme Société numérique)",
        "financement": "État",
        "how_to": "La structure demande son habilitation en ligne, puis ses aidants sont formés.",
        "scope": "national",
    },
    {
        "slug": "pass-numerique",
        "title": "Pass numérique",
        "themes": ["competences-numeriques"],
        "publics_cibles": ["tous"],
        "summary": (
            "Des chèques sur le modèle des titres-restaurant, qui paient tout ou partie d'un "
            "accompagnement au numérique dans un lieu qualifié."
        ),
        "body": (
            "<p>Le Pass numérique (chèques APTIC) est remis par un prescripteur (CCAS, agence "
            "France Travail, CAF, association…) à la personne qui en a besoin.</p>"
            "<p>Elle l'utilise dans un lieu de médiation numérique labellisé pour suivre des "
            "ateliers adaptés à son niveau.</p>"
        ),
        "porteur": "Collectivités territoriales, avec l'appui de l'ANCT",
        "financement": "Collectivités, cofinancement de l'État",
        "how_to": "Se rapprocher de la collectivité ou du prescripteur qui distribue les pass.",
        "scope": "national",
    },
    {
        "slug": "conseillers-numeriques",
        "title": "Conseillers numériques France Services",
        "themes": ["competences-numeriques"],
        "publics_cibles": ["tous"],
        "summary": (
            "Des professionnels recrutés dans le cadre de France Relance pour aider chacun à "
            "prendre en main les usages numériques du quotidien."
        ),
        "body": (
            "<p>Les conseillers numériques accompagnent à l'utilisation d'un ordinateur ou d'un "
            "smartphone :</p>"
            "<ul><li>installation d'applications et navigation sur internet ;</li>"
            "<li>gestion des courriels et rangement des documents ;</li>"
            "<li>premiers pas en traitement de texte.</li></ul>"
            "<p>Ils sont accueillis par des collectivités, des associations ou des structures "
            "France services.</p>"
        ),
        "porteur": "ANCT",
        "financement": "État (plan France Relance), puis cofinancements locaux",
        "how_to": "Trouver un conseiller proche de chez soi sur la carte nationale en ligne.",
        "scope": "national",
    },
    {
        "slug": "grande-ecole-du-numerique",
        "title": "Grande École du Numérique",
        "themes": ["competences-numeriques"],
        "publics_cibles": ["jeunes", "tous"],
        "summary": (
            "Un réseau de formations labellisées aux métiers du numérique, ouvertes sans "
            "prérequis de diplôme et gratuites pour les habitants des QPV."
        ),
        "body": (
            "<p>Développeur web, technicien support, médiateur numérique… Les formations "
            "labellisées préparent à des métiers qui recrutent.</p>"
            "<p>Elles sont accessibles sans diplôme et ne coûtent rien aux habitants des "
            "quartiers prioritaires.</p>"
        ),
        "porteur": "GIP Grande École du Numérique",
        "financement": "État",
        "how_to": "Consulter le catalogue des formations labellisées et candidater en ligne.",
        "scope": "national",
    },
    {
        "slug": "certificat-clea",
        "title": "Certificat CléA",
        "themes": ["savoirs-de-base"],
        "publics_cibles": ["tous", "demandeurs-emploi-longue-duree"],
        "summary": (
            "Une certification professionnelle qui atteste de sept domaines de compétences de "
            "base : français, calcul, numérique, travail en équipe, autonomie…"
        ),
        "body": (
            "<p>Le parcours commence par un questionnaire d'auto-positionnement, suivi d'une "
            "évaluation par un organisme habilité.</p>"
            "<p>Les compétences manquantes sont travaillées en formation avant la "
            "certification. Le certificat aide à reprendre confiance et ouvre vers d'autres "
            "formations ou un emploi.</p>"
        ),
        "porteur": "Certif Pro",
        "financement": "CPF, France Travail, Opco ou Région selon la situation",
        "how_to": "Passer le quiz d'auto-positionnement puis contacter un organisme habilité.",
        "scope": "national",
    },
    {
        "slug": "clea-numerique",
        "title": "CléA numérique",
        "themes": ["competences-numeriques", "savoirs-de-base"],
        "publics_cibles": ["tous"],
        "summary": (
            "Une certification interprofessionnelle reconnue au niveau national, qui valide un "
            "socle de compétences numériques utiles au travail."
        ),
        "body": (
            "<p>Un organisme habilité évalue les acquis de la personne, puis propose des actions "
            "pour renforcer ce qui manque.</p>"
            "<p>Le certificat valorise le candidat auprès des employeurs et peut conduire vers "
            "une formation plus poussée.</p>"
        ),
        "porteur": "Certif Pro",
        "financement": "CPF, Opco, France Travail",
        "how_to": "Choisir un organisme habilité dans la liste officielle.",
        "scope": "national",
    },
    {
        "slug": "eva-anlci",
        "title": "EVA, l'évaluation des compétences transversales",
        "themes": ["savoirs-de-base"],
        "publics_cibles": ["tous"],
        "summary": (
            "Un outil numérique qui mesure les compétences transversales et aide à repérer les "
            "situations d'illettrisme."
        ),
        "body": (
            "<p>Conçu avec l'appui du ministère du Travail, EVA est proposé par l'Agence "
            "nationale de lutte contre l'illettrisme.</p>"
            "<p>Les professionnels de l'accompagnement l'utilisent pour mieux orienter les "
            "personnes vers une formation adaptée.</p>"
        ),
        "porteur": "ANLCI",
        "financement": "État",
        "how_to": "Accès réservé aux professionnels, sur inscription.",
        "scope": "national",
    },
    {
        "slug": "contrat-engagement-jeune",
        "title": "Contrat d'engagement jeune (CEJ)",
        "themes": ["savoirs-de-base", "reseau-professionnel"],
        "publics_cibles": ["jeunes"],
        "summary": (
            "Un accompagnement intensif et personnalisé pour les jeunes sans emploi ni "
            "formation, avec une allocation selon les ressources."
        ),
        "body": (
            "<p>Le CEJ s'adresse aux jeunes de 16 à 25 ans (29 ans en situation de handicap) qui "
            "ne sont ni en emploi ni en formation.</p>"
            "<ul><li>15 à 20 heures d'activités par semaine ;</li>"
            "<li>un conseiller référent unique ;</li>"
            "<li>une allocation mensuelle sous conditions.</li></ul>"
            "<p>Il peut servir à renouer avec les savoirs de base, comme la prépa-"
            "apprentissage.</p>"
        ),
        "porteur": "France Travail et missions locales",
        "financement": "État",
        "how_to": "S'adresser à la mission locale ou à l'agence France Travail.",
        "scope": "national",
    },
    {
        "slug": "plan-investissement-competences",
        "title": "Plan d'investissement dans les compétences (PIC) et pactes régionaux (PRIC)",
        "themes": ["savoirs-de-base", "competences-numeriques"],
        "publics_cibles": ["demandeurs-emploi-longue-duree", "jeunes"],
        "summary": (
            "Lancé en 2018, le PIC finance la formation des personnes peu qualifiées, notamment "
            "via des pactes signés entre l'État et les Régions."
        ),
        "body": (
            "<p>Le plan vise d'abord les demandeurs d'emploi peu qualifiés et les jeunes "
            "éloignés de l'emploi, dont les habitants des quartiers prioritaires.</p>"
            "<p>Les <strong>pactes régionaux d'investissement dans les compétences</strong> "
            "déclinent ces moyens dans chaque région. Des programmes nationaux, comme la Prépa "
            "compétences, en relèvent aussi.</p>"
        ),
        "porteur": "Ministère du Travail (DGEFP) et conseils régionaux",
        "financement": "État et Régions",
        "how_to": "Voir l'offre de formation de la Région et de France Travail.",
        "scope": "national",
    },
    {
        "slug": "1-jeune-1-mentor",
        "title": "1 jeune, 1 mentor",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["jeunes"],
        "summary": (
            "Un plan lancé en mars 2021 pour qu'un plus grand nombre de jeunes soient "
            "accompagnés par un mentor bénévole."
        ),
        "body": (
            "<p>Le mentorat met en relation un jeune et un adulte expérimenté pour l'aider dans "
            "son orientation, ses études ou son insertion professionnelle.</p>"
            "<p>Les associations de mentorat partenaires assurent la mise en relation et le "
            "suivi des binômes.</p>"
        ),
        "porteur": "État, avec les associations du Collectif Mentorat",
        "financement": "État",
        "how_to": "Trouver un programme de mentorat sur la plate-forme 1jeune1solution.",
        "scope": "national",
    },
    {
        "slug": "paqte",
        "title": "PaQte, le pacte avec les quartiers pour toutes les entreprises",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["jeunes", "tous"],
        "summary": (
            "Un engagement des entreprises en faveur des habitants des quartiers : sensibiliser, "
            "former, recruter et acheter de façon plus inclusive."
        ),
        "body": (
            "<p>Les entreprises signataires s'engagent notamment à :</p>"
            "<ul><li>accueillir des stagiaires de 3e ;</li>"
            "<li>proposer de l'alternance ;</li>"
            "<li>recruter sans discriminer ;</li>"
            "<li>développer les achats inclusifs.</li></ul>"
            "<p>Localement, les clubs d'entreprises comme FACE animent souvent le PaQte.</p>"
        ),
        "porteur": "État (ministère chargé de la Ville)",
        "financement": "Entreprises signataires",
        "how_to": "Contacter le délégué du préfet ou le réseau FACE du département.",
        "scope": "national",
    },
    {
        "slug": "clauses-sociales",
        "title": "Clauses sociales d'insertion",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["demandeurs-emploi-longue-duree", "femmes", "jeunes"],
        "summary": (
            "Dans les marchés publics, une part des heures de travail peut être réservée à des "
            "personnes éloignées de l'emploi."
        ),
        "body": (
            "<p>Chantiers de rénovation urbaine, entretien, services : les acheteurs publics "
            "peuvent imposer des heures d'insertion aux entreprises titulaires.</p>"
            "<p>Un facilitateur de clauses fait le lien avec les candidats. Les cités peuvent "
            "s'en servir pour ouvrir aux femmes des métiers où elles sont peu présentes, comme "
            "le BTP.</p>"
        ),
        "porteur": "Acheteurs publics (collectivités, bailleurs, État)",
        "financement": "Intégré aux marchés publics",
        "how_to": "Se rapprocher du facilitateur de clauses du territoire (PLIE, maison de l'emploi).",
        "scope": "national",
    },
    {
        "slug": "pmsmp",
        "title": "Période de mise en situation en milieu professionnel (PMSMP)",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["tous"],
        "summary": (
            "Une immersion courte en entreprise pour découvrir un métier, confirmer un projet ou "
            "amorcer un recrutement."
        ),
        "body": (
            "<p>La personne reste sous son statut (demandeur d'emploi, jeune accompagné…) et "
            "n'est pas rémunérée par l'entreprise d'accueil.</p>"
            "<p>L'immersion est prescrite par un acteur du service public de l'emploi : France "
            "Travail, mission locale, Cap emploi ou structure d'insertion.</p>"
        ),
        "porteur": "Service public de l'emploi",
        "financement": "Sans coût pour l'entreprise",
        "how_to": "Demander une convention d'immersion à son conseiller.",
        "scope": "national",
    },
    {
        "slug": "creches-avip",
        "title": "Crèches à vocation d'insertion professionnelle (AVIP)",
        "themes": ["contraintes-familiales"],
        "publics_cibles": ["femmes", "demandeurs-emploi-longue-duree"],
        "summary": (
            "Des crèches qui réservent des places aux enfants de parents en recherche d'emploi, "
            "en particulier les parents seuls."
        ),
        "body": (
            "<p>En échange de la place en crèche, le parent s'engage dans un accompagnement "
            "renforcé vers l'emploi ou la formation.</p>"
            "<p>La visite d'une crèche AVIP peut aussi rassurer les parents qui hésitent à "
            "confier leur enfant.</p>"
        ),
        "porteur": "CAF, France Travail et gestionnaires de crèches",
        "financement": "CAF et collectivités",
        "how_to": "Se renseigner auprès de la CAF ou du relais petite enfance.",
        "scope": "national",
    },
    {
        "slug": "complement-libre-choix-mode-de-garde",
        "title": "Complément de libre choix du mode de garde (CMG)",
        "themes": ["contraintes-familiales", "precarite-financiere"],
        "publics_cibles": ["femmes", "tous"],
        "summary": (
            "Une aide de la CAF qui réduit le coût de la garde d'un jeune enfant par une "
            "assistante maternelle ou une garde à domicile."
        ),
        "body": (
            "<p>Le montant dépend des revenus du foyer et de l'âge de l'enfant.</p>"
            "<p>Le délai de versement peut obliger à avancer les frais : l'accompagnement de la "
            "cité aide à anticiper ce décalage.</p>"
        ),
        "porteur": "CAF et MSA",
        "financement": "Branche famille de la Sécurité sociale",
        "how_to": "Faire la demande en ligne sur le site de la CAF.",
        "scope": "national",
    },
    {
        "slug": "aides-action-logement",
        "title": "Les aides d'Action Logement (Visale, Loca-Pass, Mobili-Jeune)",
        "themes": ["logement"],
        "publics_cibles": ["jeunes", "tous"],
        "summary": (
            "Des aides pour accéder à un logement quand on travaille ou qu'on reprend un emploi : "
            "caution gratuite, avance du dépôt de garantie, aide au loyer des alternants."
        ),
        "body": (
            "<ul><li><strong>Visale</strong> : une garantie gratuite qui couvre les loyers "
            "impayés ;</li>"
            "<li><strong>Avance Loca-Pass</strong> : un prêt sans intérêt pour le dépôt de "
            "garantie ;</li>"
            "<li><strong>Mobili-Jeune</strong> : une aide au loyer pour les moins de 30 ans en "
            "alternance.</li></ul>"
        ),
        "porteur": "Action Logement",
        "financement": "Participation des employeurs à l'effort de construction",
        "how_to": "Faire sa demande en ligne sur le site d'Action Logement.",
        "scope": "national",
    },
    {
        "slug": "complementaire-sante-solidaire",
        "title": "Complémentaire santé solidaire",
        "themes": ["sante-handicap", "precarite-financiere"],
        "publics_cibles": ["tous", "beneficiaires-rsa"],
        "summary": (
            "Une complémentaire santé gratuite ou à faible coût, selon les ressources, pour "
            "limiter le renoncement aux soins."
        ),
        "body": (
            "<p>Une partie des bénéficiaires de minima sociaux n'a pas de complémentaire "
            "santé.</p>"
            "<p>La complémentaire santé solidaire prend en charge le reste à payer sur la plupart "
            "des soins. Les accompagnants peuvent aider à la demander.</p>"
        ),
        "porteur": "Assurance maladie",
        "financement": "Sécurité sociale",
        "how_to": "Faire la demande sur le compte ameli ou auprès de la CPAM.",
        "scope": "national",
    },
    {
        "slug": "microcredit-adie",
        "title": "Microcrédit de l'Adie",
        "themes": ["precarite-financiere", "mobilite"],
        "publics_cibles": ["tous", "beneficiaires-rsa"],
        "summary": (
            "Des petits prêts pour créer son activité ou financer ce qui permet de garder un "
            "emploi, comme un véhicule ou le permis."
        ),
        "body": (
            "<p>L'Adie prête à des personnes qui n'ont pas accès au crédit bancaire classique et "
            "les accompagne dans leur projet.</p>"
            "<p>L'ANCT a noué un partenariat avec l'association sur les questions de "
            "mobilité.</p>"
        ),
        "porteur": "Adie",
        "financement": "Fonds de prêt de l'association, partenaires publics et privés",
        "how_to": "Prendre contact avec l'antenne Adie la plus proche.",
        "scope": "national",
    },
    {
        "slug": "territoires-zero-chomeur",
        "title": "Territoires zéro chômeur de longue durée",
        "themes": ["reseau-professionnel"],
        "publics_cibles": ["demandeurs-emploi-longue-duree"],
        "summary": (
            "Une expérimentation qui embauche en CDI des personnes durablement privées d'emploi "
            "pour des activités utiles au territoire."
        ),
        "body": (
            "<p>Des entreprises à but d'emploi recrutent, sur la base du volontariat, des "
            "personnes au chômage depuis longtemps.</p>"
            "<p>Elles développent des activités non couvertes localement, en s'appuyant sur un "
            "comité local qui réunit élus, acteurs de l'emploi et habitants.</p>"
        ),
        "porteur": "Association Territoires zéro chômeur de longue durée et fonds d'expérimentation",
        "financement": "État, départements et collectivités",
        "how_to": "Vérifier si le territoire est habilité, puis contacter son comité local.",
        "scope": "national",
    },
    {
        "slug": "dora",
        "title": "Dora, le répertoire de l'offre d'insertion",
        "themes": ["mobilite", "reseau-professionnel"],
        "publics_cibles": ["tous"],
        "summary": (
            "Un service public numérique qui recense, commune par commune, les services "
            "d'insertion disponibles, dont les solutions de mobilité."
        ),
        "body": (
            "<p>Les structures y décrivent et mettent à jour leurs services ; les "
            "accompagnateurs y trouvent rapidement une solution pour la personne qu'ils "
            "suivent.</p>"
            "<p>C'est un appui pratique pour cartographier l'offre lors du diagnostic de la "
            "cité.</p>"
        ),
        "porteur": "Plateforme de l'inclusion (État)",
        "financement": "État",
        "how_to": "Rechercher par commune et par besoin sur le site Dora.",
        "scope": "national",
    },
]

# ---------------------------------------------------------------------------------------------
# 6. Bulletins de veille (fictional demo issues, themes taken from the seeds)
# ---------------------------------------------------------------------------------------------

BULLETINS = [
    {
        "number": 312,
        "date": datetime.date(2024, 3, 12),
        "sections": [
            {
                "title": "Actualités du réseau",
                "items": [
                    {
                        "title": "2024, une année charnière pour l'emploi dans les quartiers",
                        "summary": (
                            "Les pactes plein emploi, articulés avec France Travail et les pactes "
                            "des solidarités, prolongent le travail engagé par les cités."
                        ),
                        "themes": ["reseau-professionnel"],
                        "url": "https://agence-cohesion-territoires.gouv.fr/cites-de-lemploi-571",
                    },
                    {
                        "title": "Retour sur l'évaluation nationale des cités de l'emploi",
                        "summary": (
                            "Dix monographies et un questionnaire : les points forts (coordination, "
                            "souplesse des crédits) et les conditions de pérennisation."
                        ),
                        "themes": [],
                        "url": "",
                    },
                ],
            },
            {
                "title": "Entreprises et entrepreneuriat",
                "items": [
                    {
                        "title": "Entrepreneuriat Quartiers 2030",
                        "summary": (
                            "Le plan national pour soutenir la création d'activité dans les "
                            "quartiers prioritaires."
                        ),
                        "themes": ["reseau-professionnel"],
                        "url": "https://agence-cohesion-territoires.gouv.fr/",
                    },
                    {
                        "title": "Mentorat : trouver un programme pour les jeunes de la cohorte",
                        "summary": (
                            "Le portail national recense les associations de mentorat partenaires."
                        ),
                        "themes": ["reseau-professionnel"],
                        "url": "https://www.1jeune1solution.gouv.fr/mentorat",
                    },
                ],
            },
        ],
    },
    {
        "number": 313,
        "date": datetime.date(2024, 3, 26),
        "sections": [
            {
                "title": "Mobilité",
                "items": [
                    {
                        "title": "Freins à la mobilité : relire la note de cadrage",
                        "summary": (
                            "Aides au permis, microcrédit, véhicules à tarif social, covoiturage : "
                            "les leviers repérés par l'ANCT."
                        ),
                        "themes": ["mobilite"],
                        "url": "",
                    },
                    {
                        "title": "Dora : trouver les services de mobilité d'une commune",
                        "summary": (
                            "Le répertoire de l'offre d'insertion permet une recherche par "
                            "commune et par besoin."
                        ),
                        "themes": ["mobilite"],
                        "url": "https://dora.inclusion.beta.gouv.fr/",
                    },
                ],
            },
            {
                "title": "Garde d'enfants",
                "items": [
                    {
                        "title": "Garde d'enfants : une note pour les cités",
                        "summary": (
                            "Les principales difficultés observées et des actions inspirantes, à "
                            "adapter à chaque territoire."
                        ),
                        "themes": ["contraintes-familiales"],
                        "url": "",
                    },
                    {
                        "title": "Accès aux droits : simuler ses prestations",
                        "summary": (
                            "Le portail public pour retrouver ses droits et estimer ses aides, "
                            "dont les aides à la garde."
                        ),
                        "themes": ["precarite-financiere", "contraintes-familiales"],
                        "url": "https://www.mesdroitssociaux.gouv.fr/",
                    },
                ],
            },
        ],
    },
    {
        "number": 314,
        "date": datetime.date(2024, 4, 9),
        "sections": [
            {
                "title": "Inclusion numérique",
                "items": [
                    {
                        "title": "Aidants Connect : sécuriser l'aide aux démarches en ligne",
                        "summary": (
                            "Comment habiliter une structure et former ses aidants professionnels."
                        ),
                        "themes": ["competences-numeriques"],
                        "url": "https://aidantsconnect.beta.gouv.fr/",
                    },
                ],
            },
            {
                "title": "Savoirs de base",
                "items": [
                    {
                        "title": "Repérer l'illettrisme avec les outils de l'ANLCI",
                        "summary": (
                            "EVA, CléA et ressources pour former les partenaires des cités au "
                            "repérage."
                        ),
                        "themes": ["savoirs-de-base"],
                        "url": "https://www.anlci.gouv.fr/",
                    },
                    {
                        "title": "Contrat d'engagement jeune : les repères",
                        "summary": (
                            "Qui peut en bénéficier, comment l'accompagnement s'organise et qui "
                            "contacter."
                        ),
                        "themes": ["savoirs-de-base", "reseau-professionnel"],
                        "url": "https://www.1jeune1solution.gouv.fr/contrat-engagement-jeune",
                    },
                ],
            },
            {
                "title": "Santé",
                "items": [
                    {
                        "title": "Santé et insertion : un même combat",
                        "summary": (
                            "Renoncement aux soins, complémentaire santé solidaire, équipes mobiles "
                            "psychiatrie-précarité : les relais à connaître."
                        ),
                        "themes": ["sante-handicap"],
                        "url": "",
                    },
                ],
            },
        ],
    },
]


if __name__ == "__main__":
    print(
        f"{len(CITES)} cités, {len(CAFES_CITES)} cafés-cités, "
        f"{len(ACTIONS_INSPIRANTES)} actions, {len(FICHES_DISPOSITIFS)} fiches, "
        f"{len(BULLETINS)} bulletins"
    )
