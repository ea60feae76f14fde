"""Construit le jeu jugé « Pour ma cité » (écrit à la main, à l'aveugle).

Aucune importation du projet : les jugements ci-dessous ont été écrits à la main à partir de la
lecture des données de démonstration (platform/cde_site/demo/data.py) et des documents sources.
Ce script ne fait que sérialiser et découper en deux moitiés (random.Random(2026)).
"""

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent

# (clé, note, raison si note 3)
J = {
    "saint-omer": [
        (
            "action:l-emploi-en-jeu-la-seyne-sur-mer",
            3,
            "Forum emploi décalé avec village mobilité et espace famille : couvre ses trois champs d'action et son axe « salons / job datings ».",
        ),
        (
            "action:escape-game-job-dating-sedan",
            3,
            "Job dating original qui casse les a priori des recruteurs, dans une petite ville comparable : répond à « changer le regard » et « rapprocher habitants et employeurs ».",
        ),
        (
            "action:club-eis-maubeuge",
            3,
            "Club d'entreprises labellisé PaQte, dans la même région, modèle direct pour son axe PaQte / lien avec les employeurs.",
        ),
        ("action:cycl-emploi-tremblay-en-france", 2, ""),
        ("action:les-pionnieres-100-inclusion-marseille", 2, ""),
        ("action:groupe-de-parole-parents-sedan", 2, ""),
        ("action:mobilite-saint-quentin", 2, ""),
        (
            "fiche:paqte",
            3,
            "Le PaQte est cité explicitement dans ses axes pour rapprocher habitants et employeurs.",
        ),
        ("fiche:creches-avip", 2, ""),
        ("fiche:dora", 2, ""),
        (
            "cite:sedan",
            3,
            "Petite cité (~6 000 habitants en QPV), mêmes priorités réseau professionnel et garde d'enfants, public féminin, formats de rencontre employeurs originaux.",
        ),
        ("cite:maubeuge", 2, ""),
        ("cite:la-seyne-sur-mer", 2, ""),
        ("cite:val-de-reuil", 2, ""),
        ("cite:marseille-quartiers-nord", 2, ""),
    ],
    "grenoble-alpes-metropole": [
        (
            "action:les-pionnieres-100-inclusion-marseille",
            3,
            "Action dédiée aux femmes éloignées de l'emploi, rencontres avec des dirigeantes : cœur de son axe accès des femmes à l'emploi.",
        ),
        (
            "action:forum-pour-l-avenir-strasbourg",
            3,
            "Forum tenu dans un équipement de QPV avec préparation puis suivi de jeunes femmes : combine aller-vers, public féminin et suivi des bénéficiaires.",
        ),
        ("action:temps-de-poses-pau", 2, ""),
        ("action:groupe-de-parole-parents-sedan", 2, ""),
        ("action:garde-ephemere-saint-brieuc", 2, ""),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 2, ""),
        (
            "fiche:clauses-sociales",
            3,
            "Les clauses d'insertion prolongent directement le « 1 % insertion » du renouvellement urbain et peuvent ouvrir le BTP aux femmes.",
        ),
        (
            "fiche:creches-avip",
            3,
            "Lève le frein de la garde d'enfants pour les mères en recherche d'emploi, public prioritaire de la cité.",
        ),
        ("fiche:complement-libre-choix-mode-de-garde", 2, ""),
        ("fiche:paqte", 2, ""),
        (
            "cite:est-ensemble",
            3,
            "Même entrée femmes + clauses sociales dans le BTP + garde d'enfants, territoire métropolitain de taille comparable.",
        ),
        (
            "cite:villeurbanne",
            3,
            "Même région, mêmes champs d'action (réseau, contraintes familiales) et mêmes publics (tous, femmes), métropole de taille voisine.",
        ),
        ("cite:vaulx-en-velin", 2, ""),
        ("cite:marseille-quartiers-nord", 2, ""),
        ("cite:saint-omer", 2, ""),
    ],
    "est-ensemble": [
        (
            "action:les-pionnieres-100-inclusion-marseille",
            3,
            "Vise des femmes qui sortent peu de leur quartier : exactement ses femmes « invisibles ».",
        ),
        (
            "action:forum-pour-l-avenir-strasbourg",
            3,
            "Forum pour les moins de 30 ans avec préparation de jeunes femmes : son double public femmes / jeunes.",
        ),
        (
            "action:groupe-de-parole-parents-sedan",
            3,
            "Travail collectif avec les parents sur la garde d'enfants et découverte d'une crèche AVIP : son axe garde d'enfants.",
        ),
        (
            "action:temps-de-poses-pau",
            3,
            "Fait se projeter des mères dans des métiers réputés masculins : appui direct à son axe femmes dans le BTP.",
        ),
        ("action:garde-ephemere-saint-brieuc", 2, ""),
        ("action:metiers-en-famille-la-seyne-sur-mer", 2, ""),
        (
            "fiche:clauses-sociales",
            3,
            "Outil cité dans ses axes pour ouvrir aux femmes les métiers du BTP.",
        ),
        (
            "fiche:creches-avip",
            3,
            "Places de crèche réservées aux parents en recherche d'emploi : levier concret pour son travail sur la garde d'enfants.",
        ),
        ("fiche:complement-libre-choix-mode-de-garde", 2, ""),
        ("fiche:contrat-engagement-jeune", 1, ""),
        (
            "cite:marseille-quartiers-nord",
            3,
            "Mêmes trois champs d'action, public femmes, réseau professionnel des femmes et information sur les modes d'accueil, grand territoire urbain.",
        ),
        ("cite:grenoble-alpes-metropole", 2, ""),
        ("cite:sedan", 2, ""),
        ("cite:la-seyne-sur-mer", 2, ""),
        ("cite:tremblay-en-france", 1, ""),
    ],
    "maubeuge": [
        (
            "action:illettrisme-la-porte-du-hainaut",
            3,
            "Journée de formation au repérage de l'illettrisme (EVA, CléA, ANLCI) organisée avec les cités du Nord : son axe savoirs de base, dans son voisinage.",
        ),
        ("action:cycl-emploi-tremblay-en-france", 2, ""),
        ("action:escape-game-job-dating-sedan", 2, ""),
        ("action:garde-ephemere-saint-brieuc", 2, ""),
        ("action:club-du-mentorat-chartres-dreux", 2, ""),
        (
            "fiche:eva-anlci",
            3,
            "Outil de repérage des compétences de base, pour orienter la cohorte vers la bonne formation.",
        ),
        (
            "fiche:certificat-clea",
            3,
            "Certification du socle de compétences : débouché concret pour son axe savoirs de base.",
        ),
        (
            "fiche:contrat-engagement-jeune",
            3,
            "Sa cohorte est ouverte dès 16 ans : le CEJ est le droit commun à mobiliser pour les jeunes repérés.",
        ),
        ("fiche:plan-investissement-competences", 2, ""),
        ("fiche:pmsmp", 2, ""),
        ("fiche:1-jeune-1-mentor", 1, ""),
        (
            "cite:pau",
            3,
            "Approche par cohorte suivie avec un adulte-relais et priorité au français / savoirs de base : méthode très proche.",
        ),
        ("cite:roubaix", 2, ""),
        ("cite:saint-omer", 2, ""),
        ("cite:vaulx-en-velin", 2, ""),
    ],
    "la-seyne-sur-mer": [
        (
            "action:les-pionnieres-100-inclusion-marseille",
            3,
            "Même région, porté par le réseau FACE, pour des femmes éloignées de l'emploi et peu mobiles : sa cohorte de femmes au chômage de longue durée.",
        ),
        ("action:mobilite-saint-quentin", 2, ""),
        ("action:groupe-de-parole-parents-sedan", 2, ""),
        ("action:permis-citoyen-val-de-reuil", 2, ""),
        ("action:forum-pour-l-avenir-strasbourg", 2, ""),
        ("action:club-du-mentorat-chartres-dreux", 1, ""),
        (
            "fiche:contrat-engagement-jeune",
            3,
            "Sa cohorte de jeunes est constituée de bénéficiaires du CEJ.",
        ),
        (
            "fiche:creches-avip",
            3,
            "Cible les parents demandeurs d'emploi, notamment de longue durée : levier pour sa cohorte de femmes.",
        ),
        (
            "fiche:dora",
            3,
            "Répertoire de l'offre d'insertion par commune : outil direct pour « rendre visibles les dispositifs de droit commun » et outiller les associations.",
        ),
        ("fiche:paqte", 2, ""),
        ("fiche:microcredit-adie", 1, ""),
        (
            "cite:marseille-quartiers-nord",
            3,
            "Même région, mêmes trois champs d'action, partenariat FACE, public féminin.",
        ),
        ("cite:est-ensemble", 2, ""),
        ("cite:val-de-reuil", 2, ""),
        ("cite:sedan", 1, ""),
    ],
    "pau": [
        (
            "action:garde-ephemere-saint-brieuc",
            3,
            "Garde d'enfants pour permettre à des parents étrangers de suivre le FLE : ses publics femmes et allophones, son axe français à visée professionnelle.",
        ),
        (
            "action:inclusion-numerique-roubaix",
            3,
            "Stratégie d'inclusion numérique par le smartphone : directement transposable à ses ateliers contre l'illectronisme.",
        ),
        ("action:illettrisme-la-porte-du-hainaut", 2, ""),
        ("action:mobilite-saint-quentin", 2, ""),
        ("action:les-pionnieres-100-inclusion-marseille", 2, ""),
        (
            "fiche:complementaire-sante-solidaire",
            3,
            "Santé est un de ses champs prioritaires ; limite le renoncement aux soins des personnes de la cohorte.",
        ),
        (
            "fiche:conseillers-numeriques",
            3,
            "Relais de droit commun pour accompagner les usages numériques du quotidien, cœur de son axe illectronisme.",
        ),
        ("fiche:aidants-connect", 2, ""),
        ("fiche:pass-numerique", 2, ""),
        ("fiche:eva-anlci", 2, ""),
        ("fiche:certificat-clea", 2, ""),
        ("fiche:clea-numerique", 2, ""),
        (
            "cite:maubeuge",
            3,
            "Même approche par cohorte avec adulte-relais et priorité aux savoirs de base / français.",
        ),
        ("cite:roubaix", 2, ""),
        ("cite:val-de-reuil", 1, ""),
    ],
    "vaulx-en-velin": [
        (
            "action:cycl-emploi-tremblay-en-france",
            3,
            "Fait découvrir les entreprises des zones d'activités en combinant mobilité et réseau : ses deux champs d'action, public tous.",
        ),
        (
            "action:club-eis-maubeuge",
            3,
            "Club d'entreprises pérennisé qui mobilise les employeurs autour de la cohorte : son axe « mobiliser les entreprises ».",
        ),
        ("action:club-du-mentorat-chartres-dreux", 2, ""),
        ("action:forum-pour-l-avenir-strasbourg", 2, ""),
        ("action:permis-citoyen-val-de-reuil", 2, ""),
        (
            "fiche:dora",
            3,
            "Recense l'offre d'insertion par commune : répond à son axe « rendre l'offre plus lisible et éviter la concurrence entre dispositifs ».",
        ),
        (
            "fiche:paqte",
            3,
            "Cadre national pour engager les entreprises envers les habitants des quartiers : axe « mobiliser les entreprises ».",
        ),
        ("fiche:contrat-engagement-jeune", 2, ""),
        ("fiche:pmsmp", 2, ""),
        ("fiche:clauses-sociales", 2, ""),
        (
            "cite:saint-etienne-metropole",
            3,
            "Même région, mêmes champs d'action (réseau, mobilité), public tous, taille voisine, appui sur les instances existantes.",
        ),
        ("cite:villeurbanne", 2, ""),
        ("cite:grenoble-alpes-metropole", 2, ""),
        ("cite:maubeuge", 2, ""),
        ("cite:tremblay-en-france", 2, ""),
    ],
    "villeurbanne": [
        (
            "action:les-pionnieres-100-inclusion-marseille",
            3,
            "Action clé en main pour des femmes éloignées de l'emploi : son axe accès des femmes à l'activité.",
        ),
        ("action:groupe-de-parole-parents-sedan", 2, ""),
        ("action:temps-de-poses-pau", 2, ""),
        ("action:forum-pour-l-avenir-strasbourg", 2, ""),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 2, ""),
        ("action:garde-ephemere-saint-brieuc", 1, ""),
        (
            "fiche:creches-avip",
            3,
            "Solution de garde conditionnée à un parcours vers l'emploi : levier direct sur le faible taux d'activité des femmes.",
        ),
        ("fiche:complement-libre-choix-mode-de-garde", 2, ""),
        ("fiche:dora", 2, ""),
        ("fiche:paqte", 1, ""),
        (
            "cite:grenoble-alpes-metropole",
            3,
            "Même région, mêmes champs d'action et publics (tous, femmes), métropole de taille comparable qui a construit ses outils de gouvernance.",
        ),
        ("cite:vaulx-en-velin", 2, ""),
        ("cite:saint-etienne-metropole", 2, ""),
        ("cite:est-ensemble", 2, ""),
        ("cite:saint-omer", 1, ""),
    ],
    "saint-etienne-metropole": [
        (
            "action:club-eis-maubeuge",
            3,
            "Club d'entreprises financé par le contrat de ville : relie entreprises et quartiers en passant par les instances du contrat de ville, comme elle.",
        ),
        (
            "action:cycl-emploi-tremblay-en-france",
            3,
            "Rallye vers les entreprises des zones d'activités : réseau + mobilité, ses deux champs d'action, public tous.",
        ),
        ("action:mobilite-saint-quentin", 2, ""),
        ("action:escape-game-job-dating-sedan", 2, ""),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 2, ""),
        ("action:permis-citoyen-val-de-reuil", 1, ""),
        (
            "fiche:dora",
            3,
            "Cartographie de l'offre d'insertion commune par commune, utile pour l'accès au droit commun dans ses 15 QPV sur 7 communes.",
        ),
        ("fiche:paqte", 2, ""),
        ("fiche:microcredit-adie", 2, ""),
        ("fiche:pmsmp", 2, ""),
        (
            "cite:vaulx-en-velin",
            3,
            "Même région, mêmes champs d'action (réseau, mobilité), public tous, animation appuyée sur les instances existantes.",
        ),
        ("cite:grenoble-alpes-metropole", 2, ""),
        ("cite:villeurbanne", 2, ""),
        ("cite:marseille-quartiers-nord", 2, ""),
        ("cite:tremblay-en-france", 1, ""),
    ],
    "chartres-dreux": [
        (
            "action:club-eis-maubeuge",
            3,
            "Club de chefs d'entreprise qui fait aussi du mentorat et s'est pérennisé : modèle pour faire durer son Club du Mentorat.",
        ),
        ("action:forum-pour-l-avenir-strasbourg", 2, ""),
        ("action:buzziness-grand-narbonne", 2, ""),
        ("action:summer-united-maubeuge", 2, ""),
        ("action:escape-game-job-dating-sedan", 2, ""),
        ("action:metiers-en-famille-la-seyne-sur-mer", 2, ""),
        ("action:cycl-emploi-tremblay-en-france", 1, ""),
        (
            "fiche:1-jeune-1-mentor",
            3,
            "Plan national dans lequel la cité inscrit explicitement son action de mentorat.",
        ),
        ("fiche:contrat-engagement-jeune", 2, ""),
        ("fiche:paqte", 2, ""),
        ("fiche:pmsmp", 2, ""),
        ("cite:maubeuge", 2, ""),
        ("cite:val-de-reuil", 2, ""),
        ("cite:sedan", 1, ""),
        ("cite:vaulx-en-velin", 1, ""),
    ],
    "tremblay-en-france": [
        (
            "action:escape-game-job-dating-sedan",
            3,
            "Format de rencontre décalé entre recruteurs et demandeurs d'emploi, dans l'esprit de sa programmation d'actions emploi.",
        ),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 2, ""),
        ("action:summer-united-maubeuge", 2, ""),
        ("action:club-eis-maubeuge", 2, ""),
        ("action:mobilite-saint-quentin", 2, ""),
        ("action:les-pionnieres-100-inclusion-marseille", 2, ""),
        (
            "fiche:pmsmp",
            3,
            "Suite naturelle des visites d'entreprises : une immersion pour confirmer un projet ou amorcer un recrutement.",
        ),
        ("fiche:territoires-zero-chomeur", 2, ""),
        ("fiche:paqte", 2, ""),
        ("fiche:microcredit-adie", 2, ""),
        ("fiche:dora", 2, ""),
        ("cite:est-ensemble", 2, ""),
        ("cite:vaulx-en-velin", 2, ""),
        ("cite:saint-omer", 2, ""),
        ("cite:saint-etienne-metropole", 1, ""),
    ],
    "sedan": [
        (
            "action:garde-ephemere-saint-brieuc",
            3,
            "Solution de garde concrète sur le lieu de formation, qui prépare aussi la séparation parent-enfant : prolonge son groupe de parole.",
        ),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 2, ""),
        ("action:temps-de-poses-pau", 2, ""),
        ("action:cycl-emploi-tremblay-en-france", 2, ""),
        ("action:forum-pour-l-avenir-strasbourg", 2, ""),
        ("action:metiers-en-famille-la-seyne-sur-mer", 2, ""),
        ("action:les-pionnieres-100-inclusion-marseille", 2, ""),
        (
            "fiche:creches-avip",
            3,
            "Les crèches AVIP sont déjà au cœur de son groupe de parole : la fiche outille la suite.",
        ),
        (
            "fiche:complement-libre-choix-mode-de-garde",
            3,
            "Le coût de la garde est un frein discuté par les parents : aide directement mobilisable.",
        ),
        ("fiche:pmsmp", 2, ""),
        ("fiche:contrat-engagement-jeune", 1, ""),
        (
            "cite:marseille-quartiers-nord",
            3,
            "Public féminin, kiosque d'information sur les modes d'accueil de la petite enfance : même chantier garde d'enfants.",
        ),
        (
            "cite:val-de-reuil",
            3,
            "Petite cité, publics jeunes et femmes, accueil en crèche garanti aux parents en parcours.",
        ),
        ("cite:est-ensemble", 2, ""),
        ("cite:saint-omer", 2, ""),
    ],
    "val-de-reuil": [
        (
            "action:mobilite-saint-quentin",
            3,
            "Adulte-relais mobilité et projet de plate-forme mobilité, avec information sur les aides au permis : sa priorité n° 1.",
        ),
        (
            "action:garde-ephemere-saint-brieuc",
            3,
            "Garde d'enfants pendant la formation : répond à son objectif de permettre aux parents de se former.",
        ),
        ("action:groupe-de-parole-parents-sedan", 2, ""),
        ("action:les-pionnieres-100-inclusion-marseille", 2, ""),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 1, ""),
        (
            "fiche:microcredit-adie",
            3,
            "Microcrédit pour financer un véhicule ou le permis quand sept actifs sur dix ont besoin d'un véhicule personnel.",
        ),
        (
            "fiche:creches-avip",
            3,
            "Places de crèche réservées aux parents en parcours : son axe « garantir un accueil en crèche ».",
        ),
        ("fiche:complement-libre-choix-mode-de-garde", 2, ""),
        ("fiche:dora", 2, ""),
        ("fiche:contrat-engagement-jeune", 1, ""),
        ("fiche:aides-action-logement", 1, ""),
        ("cite:sedan", 2, ""),
        ("cite:la-seyne-sur-mer", 2, ""),
        ("cite:saint-omer", 2, ""),
        ("cite:chartres-dreux", 1, ""),
    ],
    "marseille-quartiers-nord": [
        (
            "action:groupe-de-parole-parents-sedan",
            3,
            "Travail avec les parents sur la garde, visite de crèche AVIP et job dating petite enfance : prolonge son kiosque d'information.",
        ),
        ("action:l-emploi-en-jeu-la-seyne-sur-mer", 2, ""),
        ("action:temps-de-poses-pau", 2, ""),
        ("action:forum-pour-l-avenir-strasbourg", 2, ""),
        ("action:garde-ephemere-saint-brieuc", 2, ""),
        ("action:mobilite-saint-quentin", 1, ""),
        (
            "fiche:creches-avip",
            3,
            "Mode d'accueil à faire connaître via son kiosque, réservé aux parents en recherche d'emploi.",
        ),
        (
            "fiche:complement-libre-choix-mode-de-garde",
            3,
            "Aide financière à la garde, information à relayer aux familles dans son kiosque petite enfance.",
        ),
        ("fiche:paqte", 2, ""),
        ("fiche:dora", 2, ""),
        ("fiche:clauses-sociales", 1, ""),
        (
            "cite:la-seyne-sur-mer",
            3,
            "Même région, mêmes trois champs d'action, partenariat avec le réseau FACE, public féminin.",
        ),
        (
            "cite:est-ensemble",
            3,
            "Grand territoire urbain centré sur les femmes éloignées de l'emploi et la garde d'enfants.",
        ),
        ("cite:sedan", 2, ""),
        ("cite:grenoble-alpes-metropole", 1, ""),
    ],
    "roubaix": [
        ("action:masterclass-entrepreneuriat-toulouse", 2, ""),
        ("action:illettrisme-la-porte-du-hainaut", 2, ""),
        ("action:buzziness-grand-narbonne", 1, ""),
        ("action:club-eis-maubeuge", 1, ""),
        (
            "fiche:aidants-connect",
            3,
            "Sécurise l'aide aux démarches en ligne apportée par les médiateurs de son espace numérique.",
        ),
        (
            "fiche:pass-numerique",
            3,
            "Finance des parcours de médiation numérique prescrits aux habitants : complète sa stratégie d'inclusion numérique.",
        ),
        (
            "fiche:conseillers-numeriques",
            3,
            "Renfort humain de droit commun pour accompagner les usages smartphone du quotidien.",
        ),
        (
            "fiche:grande-ecole-du-numerique",
            3,
            "Formations aux métiers du numérique sans diplôme et gratuites en QPV : débouché emploi de son inclusion numérique.",
        ),
        ("fiche:clea-numerique", 2, ""),
        ("fiche:eva-anlci", 1, ""),
        (
            "cite:pau",
            3,
            "Seule autre cité qui fait des compétences numériques une priorité (ateliers contre l'illectronisme).",
        ),
        ("cite:maubeuge", 2, ""),
        ("cite:saint-omer", 1, ""),
    ],
}

DESCRIPTION = (
    "Jeu jugé « Pour ma cité » : pour chaque cité de démonstration, notes de pertinence "
    "(3 = clairement utile, 2 = utile, 1 = marginal ; absent = non utile) attribuées à la main, "
    "du point de vue de la coordinatrice ou du coordinateur de la cité, à des actions inspirantes "
    "d'autres cités (action:<slug>), à des fiches dispositifs (fiche:<slug>) et à des cités "
    "jumelles (cite:<slug>). Écrit à l'aveugle à partir des seuls documents sources et des "
    "données de démonstration, sans lire le code du recommandeur."
)


def entry(slug):
    rows = J[slug]
    return {
        "cite": f"cite:{slug}",
        "judgments": {k: g for k, g, _ in rows},
        "reasons": {k: r for k, g, r in rows if g == 3},
    }


def dump(name, slugs, extra=""):
    data = {"description": DESCRIPTION + extra, "cites": [entry(s) for s in slugs]}
    (OUT / name).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    order = list(J)  # ordre de data.py
    dump("pour-ma-cite.json", order)
    shuffled = list(order)
    random.Random(2026).shuffle(shuffled)
    half = len(shuffled) // 2
    dev, held = shuffled[:half], shuffled[half:]
    dump("pour-ma-cite-dev.json", dev, " Moitié « dev ».")
    dump("pour-ma-cite-heldout.json", held, " Moitié « heldout » (à ne pas utiliser pour régler).")
    print("dev:", dev)
    print("heldout:", held)
